package jwtexp

import (
	"encoding/base64"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func token(payload string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + enc([]byte(payload)) + ".c2ln"
}

func TestParse(t *testing.T) {
	t.Parallel()
	c, ok := Parse(token(`{"iat":1700000000,"exp":1700007200}`))
	assert.True(t, ok)
	assert.Equal(t, time.Unix(1700007200, 0), c.ExpiresAt)
	assert.Equal(t, time.Unix(1700000000, 0), c.IssuedAt)

	c, ok = Parse(token(`{"exp":1700007200}`))
	assert.True(t, ok)
	assert.True(t, c.IssuedAt.IsZero())
}

func TestParseRejectsWhatIsNotAJWT(t *testing.T) {
	t.Parallel()
	for name, tok := range map[string]string{
		"opaque":      "0a1b2c3d4e",
		"two parts":   "a.b",
		"bad base64":  "a.!!!.c",
		"not json":    "a." + base64.RawURLEncoding.EncodeToString([]byte("nope")) + ".c",
		"no exp":      token(`{"iat":1700000000}`),
		"string exp":  token(`{"exp":"soon"}`),
		"negative":    token(`{"exp":-5}`),
		"far future":  token(`{"exp":1e300}`),
		"empty parts": "..",
	} {
		_, ok := Parse(tok)
		assert.False(t, ok, name)
	}
}
