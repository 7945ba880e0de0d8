package pluggytest

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/pluggy-go/pluggy/internal/taxid"
)

// categoryJSON is a Category.
type categoryJSON struct {
	ID                    string `json:"id"`
	Description           string `json:"description"`
	DescriptionTranslated string `json:"descriptionTranslated"`
	ParentID              string `json:"parentId,omitempty"`
	ParentDescription     string `json:"parentDescription,omitempty"`
}

// categoryTable is the server's categorisation tree (root categories end
// in 000000).
var categoryTable = func() []categoryJSON {
	rows := [][3]string{
		{"01000000", "Income", "Renda"},
		{"01010000", "Salary", "Salário"},
		{"01050000", "Investment income", "Rendimentos"},
		{"05000000", "Transfers", "Transferências"},
		{"05010000", "Cash withdrawal", "Saque"},
		{"05070000", "Transfer - PIX", "Transferência - PIX"},
		{"05090000", "Credit card payment", "Pagamento de fatura"},
		{"05100000", "Transfer - TED", "Transferência - TED"},
		{"08000000", "Shopping", "Compras"},
		{"08010000", "Online shopping", "Compras online"},
		{"09000000", "Digital services", "Serviços digitais"},
		{"09010000", "Video streaming", "Streaming de vídeo"},
		{"09020000", "Music streaming", "Streaming de música"},
		{"10000000", "Groceries", "Supermercado"},
		{"11000000", "Food and drinks", "Alimentação"},
		{"11010000", "Eating out", "Restaurantes"},
		{"11020000", "Food delivery", "Delivery de comida"},
		{"16000000", "Bank fees", "Tarifas bancárias"},
		{"17000000", "Housing", "Moradia"},
		{"17010000", "Rent", "Aluguel"},
		{"17020000", "Electricity", "Energia elétrica"},
		{"18000000", "Healthcare", "Saúde"},
		{"18020000", "Pharmacy", "Farmácia"},
		{"19000000", "Transportation", "Transporte"},
		{"19010000", "Taxi and ride-hailing", "Táxi e transporte por aplicativo"},
		{"19050000", "Gas stations", "Postos de combustível"},
	}
	out := make([]categoryJSON, 0, len(rows))
	roots := map[string]string{}
	for _, r := range rows {
		c := categoryJSON{ID: r[0], Description: r[1], DescriptionTranslated: r[2]}
		if parent := r[0][:2] + "000000"; parent != r[0] {
			c.ParentID, c.ParentDescription = parent, roots[parent]
		} else {
			roots[r[0]] = r[1]
		}
		out = append(out, c)
	}
	return out
}()

var categoryByID = func() map[string]categoryJSON {
	m := map[string]categoryJSON{}
	for _, c := range categoryTable {
		m[c.ID] = c
	}
	return m
}()

// categoryRule is a client's categorisation rule.
type categoryRule struct {
	id, description, categoryID  string
	transactionType, accountType string
	matchType                    string
}

type categoryRuleJSON struct {
	ID              string `json:"id"`
	Description     string `json:"description"`
	CategoryID      string `json:"categoryId"`
	Category        string `json:"category"`
	ClientID        string `json:"clientId"`
	TransactionType string `json:"transactionType,omitempty"`
	AccountType     string `json:"accountType,omitempty"`
}

func (r *categoryRule) json(clientID string) categoryRuleJSON {
	return categoryRuleJSON{ID: r.id, Description: r.description, CategoryID: r.categoryID,
		Category: categoryByID[r.categoryID].Description, ClientID: clientID,
		TransactionType: r.transactionType, AccountType: r.accountType}
}

// ruleFor returns the newest rule that categorises a transaction with this
// description, type (DEBIT, CREDIT) and account subtype, or nil.
func (b *bankState) ruleFor(desc, typ, subtype string) *categoryRule {
	d := foldAccents(strings.ToLower(desc))
	for i := len(b.rules) - 1; i >= 0; i-- {
		r := b.rules[i]
		if (r.transactionType != "" && r.transactionType != typ) || (r.accountType != "" && r.accountType != subtype) {
			continue
		}
		p := foldAccents(strings.ToLower(r.description))
		var ok bool
		switch r.matchType {
		case "contains":
			ok = strings.Contains(d, p)
		case "startsWith":
			ok = strings.HasPrefix(d, p)
		case "endsWith":
			ok = strings.HasSuffix(d, p)
		default:
			ok = d == p
		}
		if ok {
			return r
		}
	}
	return nil
}

// merchantDef is a merchant the server knows.
type merchantDef struct {
	name, businessName, cnpj, cnae, category string
}

// merchantJSON is a Merchant, with the category the live API adds.
type merchantJSON struct {
	Name         string `json:"name"`
	BusinessName string `json:"businessName"`
	CNPJ         string `json:"cnpj"`
	CNAE         string `json:"cnae"`
	Category     string `json:"category"`
}

func (m merchantDef) json() merchantJSON {
	return merchantJSON{Name: m.name, BusinessName: m.businessName, CNPJ: m.cnpj, CNAE: m.cnae, Category: m.category}
}

// merchantTable holds the merchants of the generated transactions (with
// made-up CNPJs, check digits valid).
var merchantTable = []merchantDef{
	{"Uber", "UBER DO BRASIL TECNOLOGIA LTDA.", cnpj("123456780001"), "7490104", "Taxi and ride-hailing"},
	{"iFood", "IFOOD.COM AGENCIA DE RESTAURANTES ONLINE S.A.", cnpj("234567890001"), "7319004", "Food delivery"},
	{"Netflix", "NETFLIX ENTRETENIMENTO BRASIL LTDA.", cnpj("345678900001"), "5911199", "Video streaming"},
	{"Pão de Açúcar", "COMPANHIA BRASILEIRA DE DISTRIBUICAO", cnpj("456789010001"), "4711302", "Groceries"},
	{"Drogaria São Paulo", "DROGARIA SAO PAULO S.A.", cnpj("567890120001"), "4771701", "Pharmacy"},
	{"Posto Ipiranga", "AUTO POSTO IPIRANGA LTDA", cnpj("678901230001"), "4731800", "Gas stations"},
	{"Amazon", "AMAZON SERVICOS DE VAREJO DO BRASIL LTDA.", cnpj("789012340001"), "4713004", "Online shopping"},
	{"Enel", "ENEL DISTRIBUICAO SAO PAULO S.A.", cnpj("890123450001"), "3514000", "Electricity"},
	{"Pluggy Bank", "PLUGGY BANK S.A.", cnpj("901234560001"), "6422100", "Banking"},
	{"Pluggy Asset", "PLUGGY ASSET MANAGEMENT LTDA", cnpj("112233440001"), "6630400", "Investments"},
	{"Magazine Luiza", "MAGAZINE LUIZA S.A.", cnpj("223344550001"), "4753900", "Online shopping"},
}

// cnpj completes the 12 characters of a CNPJ's base with its check digits.
func cnpj(base string) string {
	dv, _ := taxid.CNPJCheckDigits(base)
	return base + dv
}

// validCNPJ reports whether s (punctuation removed, upper case) is a CNPJ
// with the right check digits, numeric or alphanumeric.
func validCNPJ(s string) bool { return taxid.ValidCNPJ(s) }

// formatCNPJ writes 14 digits as 00.000.000/0000-00.
func formatCNPJ(s string) string {
	return s[0:2] + "." + s[2:5] + "." + s[5:8] + "/" + s[8:12] + "-" + s[12:14]
}

// qrImage returns a base64 PNG that looks like a QR code, drawn from seed.
func qrImage(seed string) string {
	const modules, scale = 25, 4
	sum := sha256.Sum256([]byte(seed))
	bits := func(i int) bool {
		h := sha256.Sum256(append(sum[:], byte(i>>8), byte(i)))
		return h[0]&1 == 1
	}
	finder := func(x, y int) (bool, bool) {
		for _, o := range [][2]int{{0, 0}, {modules - 7, 0}, {0, modules - 7}} {
			dx, dy := x-o[0], y-o[1]
			if dx >= 0 && dx < 7 && dy >= 0 && dy < 7 {
				ring := dx == 0 || dx == 6 || dy == 0 || dy == 6
				core := dx >= 2 && dx <= 4 && dy >= 2 && dy <= 4
				return true, ring || core
			}
		}
		return false, false
	}
	size := (modules + 4) * scale
	img := image.NewGray(image.Rect(0, 0, size, size))
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			img.SetGray(x, y, color.Gray{Y: 255})
		}
	}
	for my := 0; my < modules; my++ {
		for mx := 0; mx < modules; mx++ {
			in, dark := finder(mx, my)
			if !in {
				dark = bits(my*modules + mx)
			}
			if !dark {
				continue
			}
			for y := 0; y < scale; y++ {
				for x := 0; x < scale; x++ {
					img.SetGray((mx+2)*scale+x, (my+2)*scale+y, color.Gray{})
				}
			}
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}

// sortBy sorts s by key, stably.
func sortBy[T any](s []T, key func(T) string) {
	sort.SliceStable(s, func(i, j int) bool { return key(s[i]) < key(s[j]) })
}

// Handlers.

func setupCategories(s *Server) {
	s.handle("GET /categories", s.listCategories)
	s.handle("GET /categories/{id}", s.getCategory)
	s.handle("GET /categories/rules", s.listCategoryRules)
	s.handle("POST /categories/rules", s.createCategoryRule)
	s.handle("DELETE /categories/rules/{id}", s.deleteCategoryRule)
	s.handle("GET /merchants", s.listMerchants)
}

func init() { registerFeature(setupCategories) }

// listCategories answers the categories, as the array the reference
// declares.
func (s *Server) listCategories(w http.ResponseWriter, r *http.Request) {
	parent := strings.TrimSpace(r.URL.Query().Get("parentId"))
	out := []categoryJSON{}
	for _, c := range categoryTable {
		if parent == "" || c.ParentID == parent {
			out = append(out, c)
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getCategory(w http.ResponseWriter, r *http.Request) {
	c, ok := categoryByID[r.PathValue("id")]
	if !ok {
		writeError(w, http.StatusNotFound, "CATEGORY_NOT_FOUND", "category not found")
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// listCategoryRules answers the rules as the reference declares them: an
// array holding one page.
func (s *Server) listCategoryRules(w http.ResponseWriter, _ *http.Request) {
	results := []categoryRuleJSON{}
	s.withBank(func(b *bankState, _ time.Time) {
		for _, rule := range b.rules {
			results = append(results, rule.json(s.ClientID))
		}
	})
	writeJSON(w, http.StatusOK, []map[string]any{{"page": 1, "total": len(results), "totalPages": 1, "results": results}})
}

func (s *Server) createCategoryRule(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Description     *string `json:"description"`
		CategoryID      *string `json:"categoryId"`
		TransactionType string  `json:"transactionType"`
		AccountType     string  `json:"accountType"`
		MatchType       string  `json:"matchType"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeError(w, http.StatusBadRequest, "", "description must be a string")
		return
	}
	switch {
	case body.Description == nil || strings.TrimSpace(*body.Description) == "":
		writeError(w, http.StatusBadRequest, "", "description must be a string")
		return
	case body.CategoryID == nil || strings.TrimSpace(*body.CategoryID) == "":
		writeError(w, http.StatusBadRequest, "", "categoryId must be a string")
		return
	case body.TransactionType != "" && body.TransactionType != "DEBIT" && body.TransactionType != "CREDIT":
		writeError(w, http.StatusBadRequest, "", "transactionType must be one of the following values: DEBIT, CREDIT")
		return
	case body.AccountType != "" && !contains([]string{"CHECKING_ACCOUNT", "SAVINGS_ACCOUNT", "CREDIT_CARD"}, body.AccountType):
		writeError(w, http.StatusBadRequest, "", "accountType must be one of the following values: CHECKING_ACCOUNT, SAVINGS_ACCOUNT, CREDIT_CARD")
		return
	case body.MatchType != "" && !contains([]string{"exact", "contains", "startsWith", "endsWith"}, body.MatchType):
		writeError(w, http.StatusBadRequest, "", "matchType must be one of the following values: exact, contains, startsWith, endsWith")
		return
	}
	if _, ok := categoryByID[*body.CategoryID]; !ok {
		writeError(w, http.StatusNotFound, "CATEGORY_NOT_FOUND", "category not found")
		return
	}
	rule := &categoryRule{id: s.newID(), description: *body.Description, categoryID: *body.CategoryID,
		transactionType: body.TransactionType, accountType: body.AccountType, matchType: body.MatchType}
	s.withBank(func(b *bankState, _ time.Time) { b.rules = append(b.rules, rule) })
	writeJSON(w, http.StatusOK, rule.json(s.ClientID))
}

func (s *Server) deleteCategoryRule(w http.ResponseWriter, r *http.Request) {
	found := false
	s.withBank(func(b *bankState, _ time.Time) {
		for i, rule := range b.rules {
			if rule.id == r.PathValue("id") {
				b.rules = append(b.rules[:i:i], b.rules[i+1:]...)
				found = true
				return
			}
		}
	})
	if !found {
		writeError(w, http.StatusNotFound, "CATEGORY_RULE_NOT_FOUND", "category rule not found")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// listMerchants looks merchants up by CNPJ (cnpjs comma-joined, with or
// without punctuation).
func (s *Server) listMerchants(w http.ResponseWriter, r *http.Request) {
	out := map[string]any{"foundMerchants": []merchantJSON{}, "notFoundMerchants": []string{}, "invalidCnpjs": []string{}}
	var found []merchantJSON
	var notFound, invalid []string
	for _, v := range strings.Split(r.URL.Query().Get("cnpjs"), ",") {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		digits, ok := taxid.Clean(v, true)
		if !ok || !validCNPJ(digits) {
			invalid = append(invalid, v)
			continue
		}
		hit := false
		for _, m := range merchantTable {
			if m.cnpj == digits {
				found = append(found, m.json())
				hit = true
				break
			}
		}
		if !hit {
			notFound = append(notFound, v)
		}
	}
	if found != nil {
		out["foundMerchants"] = found
	}
	if notFound != nil {
		out["notFoundMerchants"] = notFound
	}
	if invalid != nil {
		out["invalidCnpjs"] = invalid
	}
	writeJSON(w, http.StatusOK, out)
}
