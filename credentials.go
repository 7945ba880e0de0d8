package pluggy

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
)

// Encrypted credentials.
//
// Pluggy accepts an item's parameters (POST /items, PATCH /items/{id}) as
// one string instead of an object: the JSON object of the parameters,
// encrypted with the RSA public key Pluggy gives for it, RSA-OAEP with
// SHA-1 and MGF1-SHA-1 (Java's RSA/ECB/OAEPPadding, as Pluggy's Java SDK
// does), in standard base64.

// minCredentialsKeyBits is the smallest RSA key WithCredentialsPublicKey
// takes.
const minCredentialsKeyBits = 2048

// WithCredentialsPublicKey makes the client encrypt the credentials of
// every item it creates or updates (Items.Create, Update, Connect and
// Refresh): CreateItemParams.Parameters and UpdateItemParams.Parameters
// are sent as the base64 (standard alphabet) of RSA-OAEP (SHA-1, MGF1-SHA-1)
// over their JSON object, the form Pluggy's Java SDK sends, so plain
// credentials never leave the process. pemKey is the public key Pluggy
// gives you, a PEM "PUBLIC KEY" block (X.509 SubjectPublicKeyInfo) holding
// an RSA key of at least 2048 bits; anything else is an error from
// NewClient.
//
// One RSA-OAEP block holds the whole object, so its JSON must fit in the
// key's size less 42 bytes (214 bytes for a 2048-bit key); longer
// parameters are an *ArgumentError before any request. EncryptedParameters set
// by hand are sent as they are. Answers to POST /items/{id}/mfa (SendMFA,
// the item driver's OnParameter) are one-time values and are not
// encrypted.
func WithCredentialsPublicKey(pemKey []byte) Option {
	return func(c *Client) error {
		key, err := parseCredentialsKey(pemKey)
		if err != nil {
			return fmt.Errorf("pluggy: WithCredentialsPublicKey: %w", err)
		}
		c.credentialsKey = key
		return nil
	}
}

func parseCredentialsKey(pemKey []byte) (*rsa.PublicKey, error) {
	block, _ := pem.Decode(pemKey)
	if block == nil {
		return nil, errors.New("no PEM block found (want -----BEGIN PUBLIC KEY-----)")
	}
	if block.Type != "PUBLIC KEY" {
		return nil, fmt.Errorf("a PEM block of type %q, want PUBLIC KEY (X.509 SubjectPublicKeyInfo)", block.Type)
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("not an X.509 SubjectPublicKeyInfo: %w", err)
	}
	key, ok := pub.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("a %T, want an RSA public key", pub)
	}
	if key.N.BitLen() < minCredentialsKeyBits {
		return nil, fmt.Errorf("a %d-bit RSA key, want at least %d bits", key.N.BitLen(), minCredentialsKeyBits)
	}
	return key, nil
}

// encryptParameters returns the encrypted string of params.
func (c *Client) encryptParameters(params map[string]string) (string, error) {
	plain, err := json.Marshal(params)
	if err != nil {
		return "", err
	}
	if limit := c.credentialsKey.Size() - 2*sha1.Size - 2; len(plain) > limit {
		return "", paramErr("parameters", "are %d bytes as JSON, more than the %d bytes one RSA-OAEP block of the %d-bit credentials key holds",
			len(plain), limit, c.credentialsKey.N.BitLen())
	}
	sealed, err := rsa.EncryptOAEP(sha1.New(), rand.Reader, c.credentialsKey, plain, nil)
	clear(plain)
	if err != nil {
		return "", fmt.Errorf("pluggy: encrypting the parameters: %w", err)
	}
	return base64.StdEncoding.EncodeToString(sealed), nil
}

// sealCreateItem returns p with its Parameters encrypted when the client
// has a credentials key (a copy; p is not changed). With a key, an item
// created without parameters sends the encrypted empty object.
func (c *Client) sealCreateItem(p *CreateItemParams) (*CreateItemParams, error) {
	if c.credentialsKey == nil || p.EncryptedParameters != "" {
		return p, nil
	}
	params := p.Parameters
	if params == nil {
		params = map[string]string{}
	}
	enc, err := c.encryptParameters(params)
	if err != nil {
		return nil, err
	}
	out := *p
	out.Parameters, out.EncryptedParameters = nil, enc
	return &out, nil
}

// sealUpdateItem is sealCreateItem for PATCH /items/{id}: parameters are
// encrypted when there are any.
func (c *Client) sealUpdateItem(p *UpdateItemParams) (*UpdateItemParams, error) {
	if c.credentialsKey == nil || p.Parameters == nil || p.EncryptedParameters != "" {
		return p, nil
	}
	enc, err := c.encryptParameters(p.Parameters)
	if err != nil {
		return nil, err
	}
	out := *p
	out.Parameters, out.EncryptedParameters = nil, enc
	return &out, nil
}
