// Package jwtexp reads the expiry of a JSON Web Token without verifying it:
// the client only needs to know when to ask for a new key.
package jwtexp

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"
)

// Claims are the registered time claims of a token's payload.
type Claims struct {
	ExpiresAt time.Time // exp; zero when absent
	IssuedAt  time.Time // iat; zero when absent
}

// Parse decodes the payload of a compact JWT (header.payload.signature). It
// reports false when token is not shaped like a JWT or has no exp claim.
func Parse(token string) (Claims, bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 || parts[1] == "" {
		return Claims{}, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return Claims{}, false
	}
	var p struct {
		Exp *json.Number `json:"exp"`
		Iat *json.Number `json:"iat"`
	}
	if err := json.Unmarshal(raw, &p); err != nil || p.Exp == nil {
		return Claims{}, false
	}
	exp, ok := seconds(*p.Exp)
	if !ok {
		return Claims{}, false
	}
	c := Claims{ExpiresAt: exp}
	if p.Iat != nil {
		if iat, ok := seconds(*p.Iat); ok {
			c.IssuedAt = iat
		}
	}
	return c, true
}

func seconds(n json.Number) (time.Time, bool) {
	f, err := n.Float64()
	if err != nil || f <= 0 || f > 1e11 {
		return time.Time{}, false
	}
	return time.Unix(int64(f), 0), true
}
