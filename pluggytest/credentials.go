package pluggytest

import (
	"crypto/rsa"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"errors"
)

// WithCredentialsPrivateKey gives the server the private half of the
// connector key a client encrypts item parameters with
// (pluggy.WithCredentialsPublicKey). POST /items and PATCH /items/{id}
// then take parameters only as that encrypted string (base64 of RSA-OAEP,
// SHA-1 and MGF1-SHA-1, over the JSON object of the parameters), decrypt
// it and check the credentials as usual; plain parameters (a JSON object)
// are refused with 400 CONNECTOR_VALIDATION_ERROR, so a test proves that
// no plain credentials left the client. Without this option the server
// takes only plain parameters. A nil key leaves the server as it is.
func WithCredentialsPrivateKey(key *rsa.PrivateKey) Option {
	return func(s *Server) { s.credentialsKey = key }
}

// decryptParameters turns the JSON string of encrypted parameters into the
// JSON object they hold.
func (s *Server) decryptParameters(raw []byte) ([]byte, error) {
	var text string
	if err := json.Unmarshal(raw, &text); err != nil {
		return nil, errors.New("not a JSON string")
	}
	sealed, err := base64.StdEncoding.DecodeString(text)
	if err != nil {
		return nil, errors.New("not standard base64")
	}
	plain, err := rsa.DecryptOAEP(sha1.New(), nil, s.credentialsKey, sealed, nil)
	if err != nil {
		return nil, errors.New("not RSA-OAEP (SHA-1) with this server's key")
	}
	if !json.Valid(plain) || len(plain) == 0 || plain[0] != '{' {
		return nil, errors.New("the decrypted text is not a JSON object")
	}
	return plain, nil
}
