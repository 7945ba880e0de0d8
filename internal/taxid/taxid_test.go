package taxid

import "testing"

func TestCNPJCheckDigits(t *testing.T) {
	for _, tc := range []struct{ base, dv string }{
		{"12ABC34501DE", "35"}, // the Receita's alphanumeric example, 12.ABC.345/01DE-35
		{"123456780001", "95"}, // 12.345.678/0001-95
		{"112223330001", "81"}, // 11.222.333/0001-81
		{"000000000001", "91"}, // 00.000.000/0001-91 (Banco do Brasil)
	} {
		got, ok := CNPJCheckDigits(tc.base)
		if !ok || got != tc.dv {
			t.Errorf("%s: got %q %v, want %q", tc.base, got, ok, tc.dv)
		}
	}
	for _, bad := range []string{"", "12ABC34501D", "12ABC34501DE5", "12abc34501de", "12ABC345-1DE"} {
		if _, ok := CNPJCheckDigits(bad); ok {
			t.Errorf("%q is no CNPJ base", bad)
		}
	}
}

func TestValidCNPJ(t *testing.T) {
	for _, in := range []string{"12.ABC.345/01DE-35", "12ABC34501DE35", "12.abc.345/01de-35", "12.345.678/0001-95", "00.000.000/0001-91", "11222333000181"} {
		s, ok := Clean(in, true)
		if !ok || !ValidCNPJ(s) {
			t.Errorf("%s: should be a valid CNPJ (cleaned %q)", in, s)
		}
	}
	for _, in := range []string{"12.ABC.345/01DE-36", "12.ABC.345/01DE-3A", "12.345.678/0001-96", "00000000000000", "11111111111111",
		"AAAAAAAAAAAA", "12ABC34501DE3", "12ABC34501DE355", "ÁBC"} {
		s, ok := Clean(in, true)
		if ok && ValidCNPJ(s) {
			t.Errorf("%s: should not be a valid CNPJ", in)
		}
	}
	if _, ok := Clean("12.ABC.345/01DE-35", false); ok {
		t.Error("letters refused when not allowed")
	}
	if !ValidCPFLength("12345678909") || ValidCPFLength("1234567890X") || ValidCPFLength("1234567890") {
		t.Error("a CPF is 11 digits")
	}
	if !HasLetters("12.abc") || HasLetters("12.345") {
		t.Error("HasLetters")
	}
}
