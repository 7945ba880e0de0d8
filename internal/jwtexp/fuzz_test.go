package jwtexp

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// FuzzParse feeds Parse both a whole token and a payload wrapped in a
// well-formed token (so that the fuzzer reaches the JSON quickly). What it
// accepts has an exp in the range it promises, and a token written from the
// claims it returned parses to the same claims. Its seeds run in go test.
func FuzzParse(f *testing.F) {
	for _, s := range []struct{ tok, payload string }{
		{token(`{"exp":1700007200}`), `{"iat":1700000000,"exp":1700007200}`},
		{"a.b.c", `{"exp":1e11}`}, {"..", `{"exp":1e11,"iat":-5}`}, {"a.eyJleHAiOjF9", `{"exp":"1700007200"}`},
		{"x.eyJleHAiOjF9==.y", `{"exp":0}`}, {"", `{"exp":1.5}`}, {"a.!!!.c", `{"exp":null}`},
		{token(`{"exp":-1}`), `{"exp":1700007200,"exp":2}`}, {token(`[]`), `{"exp":99999999999.9}`},
		{strings.Repeat(".", 3), `{"exp":1e400}`}, {token(`{"exp":1,"iat":1700000000}`), "\xff"},
	} {
		f.Add(s.tok, []byte(s.payload))
	}
	f.Fuzz(func(t *testing.T, tok string, payload []byte) {
		for _, in := range []string{tok, token(string(payload))} {
			c, ok := Parse(in)
			if !ok {
				if c != (Claims{}) {
					t.Fatalf("refused %q but returned %+v", in, c)
				}
				continue
			}
			if exp := c.ExpiresAt.Unix(); exp < 1 || exp > 1e11 {
				t.Fatalf("%q: exp %d out of range", in, exp)
			}
			if !c.IssuedAt.IsZero() {
				if iat := c.IssuedAt.Unix(); iat < 1 || iat > 1e11 {
					t.Fatalf("%q: iat %d out of range", in, iat)
				}
			}
			payload := fmt.Sprintf(`{"exp":%d}`, c.ExpiresAt.Unix())
			if !c.IssuedAt.IsZero() {
				payload = fmt.Sprintf(`{"exp":%d,"iat":%d}`, c.ExpiresAt.Unix(), c.IssuedAt.Unix())
			}
			again, ok := Parse(token(payload))
			if !ok || !again.ExpiresAt.Equal(c.ExpiresAt) || !again.IssuedAt.Equal(c.IssuedAt) {
				t.Fatalf("%q: claims %+v written as %s parse as %+v, %t", in, c, payload, again, ok)
			}
			if c.ExpiresAt.Sub(time.Unix(0, 0)) <= 0 {
				t.Fatalf("%q: exp before the epoch", in)
			}
		}
	})
}
