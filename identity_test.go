package pluggy

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIdentityGetByItem(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	rec := on(mock, http.MethodGet, "/identity", fixtureResponder(t, 200, "identity-find-by-item", "200"))

	id, err := c.Identity.GetByItem(context.Background(), testItemID)
	require.NoError(t, err)
	assertRequest(t, rec.req(t, 0), http.MethodGet, "/identity", url.Values{"itemId": {testItemID}})

	assert.Equal(t, "2e9c4a7f-1b3d-4f86-a5c2-8d0e6b4f1a73", id.ID)
	assert.Equal(t, testItemID, id.ItemID)
	assert.Equal(t, "Mariana Alves Ferreira", *id.FullName)
	assert.Equal(t, "***.456.789-**", *id.Document)
	assert.Equal(t, "CPF", *id.DocumentType)
	assert.Equal(t, ts("1989-04-12T00:00:00Z"), id.BirthDate)
	assert.Nil(t, id.TaxNumber)
	assert.Equal(t, InvestorModerate, id.InvestorProfile)
	assert.Equal(t, SexFemale, id.Sex)

	require.Len(t, id.PhoneNumbers, 3)
	assert.Equal(t, PhonePersonal, id.PhoneNumbers[0].Type)
	assert.Equal(t, "11", *id.PhoneNumbers[0].AreaCode)
	assert.Equal(t, "2214", *id.PhoneNumbers[1].Extension)
	assert.Equal(t, PhoneResidential, id.PhoneNumbers[2].Type)
	require.Len(t, id.Emails, 2)
	assert.Equal(t, ContactWork, id.Emails[1].Type)
	assert.Equal(t, "mariana@acmetecnologia.com.br", id.Emails[1].Value)

	require.Len(t, id.Addresses, 1)
	addr := id.Addresses[0]
	assert.Equal(t, ContactPersonal, addr.Type)
	assert.Equal(t, "05435-001", *addr.PostalCode)
	assert.Equal(t, "Vila Madalena", *addr.District)
	assert.Equal(t, "3550308", *addr.IbgeTownCode)
	assert.Equal(t, "BRA", *addr.CountryCode)
	assert.Equal(t, "-23.5564", addr.GeographicCoordinates.Latitude.String())
	assert.Equal(t, "-46.6889", addr.GeographicCoordinates.Longitude.String())

	require.Len(t, id.Relations, 3)
	assert.Equal(t, RelationMother, id.Relations[0].Type)
	assert.Nil(t, id.Relations[1].Document)
	assert.Equal(t, RelationSpouse, id.Relations[2].Type)

	q := id.Qualifications
	require.NotNil(t, q)
	assert.Equal(t, "60701190000104", q.CompanyCNPJ)
	assert.Equal(t, OccupationCBO, q.OccupationCode)
	assert.Equal(t, IncomeMonthly, q.InformedIncome.Frequency)
	assert.Equal(t, "14500.00", q.InformedIncome.Amount.String())
	assert.Equal(t, 2025, q.InformedPatrimony.Year)
	assert.Equal(t, "380000.00", q.InformedPatrimony.Amount.String())

	fr := id.FinancialRelationships
	require.NotNil(t, fr)
	assert.Equal(t, ts("2011-07-18T00:00:00Z"), fr.StartDate)
	assert.Equal(t, []string{"CONTA_DEPOSITO_A_VISTA", "CONTA_POUPANCA", "CARTAO_CREDITO", "INVESTIMENTO"}, fr.ProductsServicesType)
	require.Len(t, fr.Procurators, 1)
	assert.Equal(t, ProcuratorAttorney, fr.Procurators[0].Type)
	assert.Equal(t, DocumentTypeCPF, fr.Procurators[0].DocumentType)
	assert.Equal(t, "Lucas Moreira Campos", fr.Procurators[0].CivilName)
	assert.Equal(t, FinancialRelationshipAccount{CompeCode: "341", BranchCode: "0341", Number: "45821", CheckDigit: "7", Type: "CONTA_DEPOSITO_A_VISTA", Subtype: "INDIVIDUAL"}, fr.Accounts[0])
	assert.Equal(t, "90400888", fr.PortabilitiesReceived[0].PaycheckBankDetainerISPB)
	assert.Equal(t, ts("2019-01-14T00:00:00Z"), fr.PaychecksBankLink[0].AccountOpeningDate)

	assert.Equal(t, MaritalStableUnion, id.MaritalStatus.Code)
	assert.True(t, id.Nationality.HasBrazilianNationality)
	require.Len(t, id.Nationality.OtherNationalities, 1)
	assert.Equal(t, "PRT", id.Nationality.OtherNationalities[0].CountryCode)
	assert.Equal(t, "15273846 4 ZX9", id.Nationality.OtherNationalities[0].Documents[0].Number)
	require.Len(t, id.OtherDocuments, 2)
	assert.Equal(t, OtherDocumentRG, id.OtherDocuments[0].Type)
	assert.Equal(t, "SSP/SP", *id.OtherDocuments[0].AdditionalInfo)
	assert.Equal(t, OtherDocumentOther, id.OtherDocuments[1].Type)
	assert.Equal(t, "FZ128374", id.Passport.Number)
	assert.Equal(t, []string{"60701190000104"}, id.CompaniesCNPJ)
	assert.Equal(t, ts("2026-11-23T09:15:47.001Z"), id.UpdatedAt)
}

func TestIdentityGetBusiness(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	const id = "8b1f5d3a-6c2e-4a97-b4d0-2f7e9c1a5b38"
	rec := on(mock, http.MethodGet, "/identity/"+id, fixtureResponder(t, 200, "identity-retrieve", "200-business"))

	got, err := c.Identity.Get(context.Background(), id)
	require.NoError(t, err)
	assertRequest(t, rec.req(t, 0), http.MethodGet, "/identity/"+id, nil)
	assert.Equal(t, "ACME TECNOLOGIA LTDA", *got.CompanyName)
	assert.Equal(t, "12.345.678/0001-95", *got.TaxNumber)
	assert.Equal(t, ts("2016-01-11T00:00:00Z"), got.IncorporationDate)
	assert.True(t, got.BirthDate.IsZero())

	q := got.Qualifications
	assert.Equal(t, []EconomicActivity{{Code: "6201501", IsMain: true}, {Code: "6204000", IsMain: false}}, q.EconomicActivities)
	assert.Equal(t, RevenueAnnual, q.InformedRevenue.Frequency)
	assert.Equal(t, "4200000.00", q.InformedRevenue.Amount.String())
	assert.Equal(t, 2025, *q.InformedRevenue.Year)
	assert.Equal(t, ProcuratorLegalRepresentative, got.FinancialRelationships.Procurators[0].Type)

	require.Len(t, got.Parties, 3)
	p0, p1, p2 := got.Parties[0], got.Parties[1], got.Parties[2]
	assert.Equal(t, BusinessPartyPartner, p0.Type)
	assert.Equal(t, PartyNaturalPerson, p0.PersonType)
	assert.Equal(t, PartyDocumentCPF, p0.DocumentType)
	assert.Equal(t, "0.6", p0.Shareholding.String())
	assert.Equal(t, PartyLegalEntity, p1.PersonType)
	assert.Equal(t, PartyDocumentCNPJ, p1.DocumentType)
	assert.Equal(t, "Campos Participacoes", *p1.TradeName)
	assert.Equal(t, BusinessPartyAdministrator, p2.Type)
	assert.Equal(t, PartyDocumentPassport, p2.DocumentType)
	assert.Equal(t, ts("2031-03-01T00:00:00Z"), p2.DocumentExpirationDate)
	assert.True(t, p2.Shareholding.IsZero())
	assert.Equal(t, []BusinessOtherDocument{{Type: "EIN", Number: "84-3172609", Country: "USA", ExpirationDate: ts("2030-12-31T00:00:00Z")}}, got.BusinessOtherDocuments)
}

func TestIdentityErrors(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	on(mock, http.MethodGet, "/identity", fixtureResponder(t, 404, "identity-find-by-item", "404"))
	on(mock, http.MethodGet, "/identity/not-a-uuid", fixtureResponder(t, 400, "identity-retrieve", "400"))
	on(mock, http.MethodGet, "/identity/8b1f5d3a-6c2e-4a97-b4d0-2f7e9c1a5b38", fixtureResponder(t, 404, "identity-retrieve", "404"))

	_, err := c.Identity.GetByItem(context.Background(), testItemID)
	requireAPIErr(t, err, 404, "IDENTITY_NOT_FOUND")
	assert.ErrorIs(t, err, ErrNotFound)
	_, err = c.Identity.Get(context.Background(), "not-a-uuid")
	requireAPIErr(t, err, 400, "")
	_, err = c.Identity.Get(context.Background(), "8b1f5d3a-6c2e-4a97-b4d0-2f7e9c1a5b38")
	assert.True(t, errors.Is(err, ErrNotFound))

	c2, mock2 := newTestClient(t)
	on(mock2, http.MethodGet, "/identity", fixtureResponder(t, 400, "identity-find-by-item", "400"))
	_, err = c2.Identity.GetByItem(context.Background(), "123")
	requireAPIErr(t, err, 400, "")
}

func TestIdentityValidation(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	_, err := c.Identity.Get(context.Background(), "")
	requireArgumentErr(t, err, "id")
	_, err = c.Identity.GetByItem(context.Background(), " ")
	requireArgumentErr(t, err, "itemId")
	assertNothingSent(t, mock)
}

func TestIdentityFixturesRoundTrip(t *testing.T) {
	t.Parallel()
	roundTrip[Identity](t, "identity-find-by-item", "200")
	roundTrip[Identity](t, "identity-retrieve", "200-business")
}
