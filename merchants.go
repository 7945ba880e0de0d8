package pluggy

import (
	"context"
	"strings"
)

// Merchant is a business Pluggy recognises, by CNPJ (Merchant). It appears
// in Transaction.Merchant and in the answer of GET /merchants.
type Merchant struct {
	// Name is the merchant's common name ("Netflix").
	Name *string `json:"name,omitempty"`
	// BusinessName is its legal name ("NETFLIX ENTRETENIMENTO BRASIL LTDA.").
	BusinessName *string `json:"businessName,omitempty"`
	// CNPJ is its CNPJ, digits only.
	CNPJ *string `json:"cnpj,omitempty"`
	// CNAE is its economic activity code.
	CNAE *string `json:"cnae,omitempty"`
	// Category is Pluggy's category of the merchant ("Video streaming"); the
	// live API sends it, the spec's schema omits it.
	Category *string `json:"category,omitempty"`
}

// MerchantLookup is the answer of GET /merchants: which CNPJs were found,
// which are valid but unknown, and which are not valid CNPJs.
type MerchantLookup struct {
	// FoundMerchants are the merchants found.
	FoundMerchants []Merchant `json:"foundMerchants"`
	// NotFoundMerchants are the valid CNPJs that matched no merchant.
	NotFoundMerchants []string `json:"notFoundMerchants"`
	// InvalidCNPJs are the values that are not valid CNPJs.
	InvalidCNPJs []string `json:"invalidCnpjs"`
}

// GetByCNPJ looks merchants up by CNPJ (GET /merchants?cnpjs=…). CNPJs may be
// given with or without their mask; the answer sorts them into found, not
// found and invalid. It returns an *ArgumentError without sending anything when
// no CNPJ is given or one is empty or holds a comma.
func (s *MerchantsService) GetByCNPJ(ctx context.Context, cnpjs ...string) (*MerchantLookup, error) {
	if len(cnpjs) == 0 {
		return nil, paramErr("cnpjs", "give at least one CNPJ")
	}
	for i, c := range cnpjs {
		if strings.TrimSpace(c) == "" {
			return nil, paramErr("cnpjs", "CNPJ #%d is empty", i+1)
		}
		if strings.Contains(c, ",") {
			return nil, paramErr("cnpjs", "CNPJ #%d contains a comma", i+1)
		}
	}
	var q query
	q.csv("cnpjs", cnpjs)
	return callFor[MerchantLookup](ctx, s.client, "GET /merchants", nil, q.values(), nil)
}
