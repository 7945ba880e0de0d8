package pluggy

import (
	"context"
	"time"
)

// ContactType says whether an address or email is personal or for work
// (Address.type, Email.type).
type ContactType string

// The contact types.
const (
	ContactPersonal ContactType = "Personal"
	ContactWork     ContactType = "Work"
)

// PhoneType is the kind of a phone number (PhoneNumber.type).
type PhoneType string

// The phone types.
const (
	PhonePersonal    PhoneType = "Personal"
	PhoneWork        PhoneType = "Work"
	PhoneResidential PhoneType = "Residencial"
)

// RelationType is how a person relates to the owner (IdentityRelation.type).
type RelationType string

// The relation types.
const (
	RelationMother RelationType = "Mother"
	RelationFather RelationType = "Father"
	RelationSpouse RelationType = "Spouse"
)

// InvestorProfile rates the owner as an investor (IdentityResponse.investorProfile).
type InvestorProfile string

// The investor profiles.
const (
	InvestorConservative InvestorProfile = "Conservative"
	InvestorModerate     InvestorProfile = "Moderate"
	InvestorAggressive   InvestorProfile = "Aggressive"
)

// OccupationCode names the classification of an occupation
// (qualifications.occupationCode).
type OccupationCode string

// The occupation code classifications.
const (
	OccupationReceitaFederal OccupationCode = "RECEITA_FEDERAL"
	OccupationCBO            OccupationCode = "CBO"
	OccupationOther          OccupationCode = "OUTRO"
)

// IncomeFrequency is how often an informed income is received
// (qualifications.informedIncome.frequency); the values are Portuguese.
type IncomeFrequency string

// The income frequencies.
const (
	IncomeDaily      IncomeFrequency = "DIARIA"
	IncomeWeekly     IncomeFrequency = "SEMANAL"
	IncomeFortnight  IncomeFrequency = "QUINZENAL"
	IncomeMonthly    IncomeFrequency = "MENSAL"
	IncomeBimonthly  IncomeFrequency = "BIMESTRAL"
	IncomeQuarterly  IncomeFrequency = "TRIMESTRAL"
	IncomeSemiannual IncomeFrequency = "SEMESTRAL"
	IncomeAnnual     IncomeFrequency = "ANUAL"
	IncomeOther      IncomeFrequency = "OUTROS"
)

// RevenueFrequency is the period of a business's informed revenue
// (InformedRevenue.frequency).
type RevenueFrequency string

// The revenue frequencies.
const (
	RevenueDaily      RevenueFrequency = "DAILY"
	RevenueWeekly     RevenueFrequency = "WEEKLY"
	RevenueBiweekly   RevenueFrequency = "BIWEEKLY"
	RevenueMonthly    RevenueFrequency = "MONTHLY"
	RevenueBimonthly  RevenueFrequency = "BIMONTHLY"
	RevenueQuarterly  RevenueFrequency = "QUARTERLY"
	RevenueSemiannual RevenueFrequency = "SEMIANNUAL"
	RevenueAnnual     RevenueFrequency = "ANNUAL"
	RevenueOther      RevenueFrequency = "OTHER"
)

// ProcuratorType is the role of someone acting for the owner
// (financialRelationships.procurators[].type).
type ProcuratorType string

// The procurator types.
const (
	ProcuratorLegalRepresentative ProcuratorType = "REPRESENTANTE_LEGAL"
	ProcuratorAttorney            ProcuratorType = "PROCURADOR"
)

// Sex is the sex of a natural person (IdentityResponse.sex).
type Sex string

// The sexes.
const (
	SexFemale Sex = "FEMALE"
	SexMale   Sex = "MALE"
	SexOther  Sex = "OTHER"
)

// MaritalStatusCode is a marital status (MaritalStatus.code).
type MaritalStatusCode string

// The marital statuses.
const (
	MaritalSingle              MaritalStatusCode = "SINGLE"
	MaritalMarried             MaritalStatusCode = "MARRIED"
	MaritalWidowed             MaritalStatusCode = "WIDOWED"
	MaritalJudiciallySeparated MaritalStatusCode = "JUDICIALLY_SEPARATED"
	MaritalDivorced            MaritalStatusCode = "DIVORCED"
	MaritalStableUnion         MaritalStatusCode = "STABLE_UNION"
	MaritalOther               MaritalStatusCode = "OTHER"
)

// OtherDocumentType is the kind of an identification document
// (OtherDocument.type).
type OtherDocumentType string

// The identification document types.
const (
	OtherDocumentCNH   OtherDocumentType = "CNH"
	OtherDocumentRG    OtherDocumentType = "RG"
	OtherDocumentNIF   OtherDocumentType = "NIF"
	OtherDocumentRNE   OtherDocumentType = "RNE"
	OtherDocumentOther OtherDocumentType = "OTHER"
)

// BusinessPartyType is the role of a party in a business (BusinessParty.type).
type BusinessPartyType string

// The business party roles.
const (
	BusinessPartyPartner       BusinessPartyType = "PARTNER"
	BusinessPartyAdministrator BusinessPartyType = "ADMINISTRATOR"
)

// PartyPersonType says whether a business party is a person or a company
// (BusinessParty.personType).
type PartyPersonType string

// The party person types.
const (
	PartyNaturalPerson PartyPersonType = "NATURAL_PERSON"
	PartyLegalEntity   PartyPersonType = "LEGAL_ENTITY"
)

// PartyDocumentType is the kind of a business party's document
// (BusinessParty.documentType).
type PartyDocumentType string

// The party document types.
const (
	PartyDocumentCPF                 PartyDocumentType = "CPF"
	PartyDocumentCNPJ                PartyDocumentType = "CNPJ"
	PartyDocumentPassport            PartyDocumentType = "PASSPORT"
	PartyDocumentOtherTravelDocument PartyDocumentType = "OTHER_TRAVEL_DOCUMENT"
)

// Identity is what the institution knows of the owner of an item's
// accounts, person or business (IdentityResponse), as read by GET /identity
// and GET /identity/{id}. PF-only and PJ-only fields are absent for the other kind.
type Identity struct {
	// ID is the identity's identifier.
	ID string `json:"id"`
	// ItemID is the item the identity belongs to.
	ItemID string `json:"itemId"`
	// BirthDate is the owner's date of birth.
	BirthDate time.Time `json:"birthDate,omitzero"`
	// TaxNumber is the CNPJ of a business account.
	TaxNumber *string `json:"taxNumber,omitempty"`
	// Document is the owner's primary document (a masked CPF, a CNPJ).
	Document *string `json:"document,omitempty"`
	// DocumentType is the kind of Document ("CPF", "CNPJ").
	DocumentType *string `json:"documentType,omitempty"`
	// JobTitle is the owner's profession.
	JobTitle *string `json:"jobTitle,omitempty"`
	// FullName is the owner's name.
	FullName *string `json:"fullName,omitempty"`
	// EstablishmentCode is the establishment's code (payment account connectors).
	EstablishmentCode *string `json:"establishmentCode,omitempty"`
	// EstablishmentName is the establishment's name (payment account connectors).
	EstablishmentName *string `json:"establishmentName,omitempty"`
	// CompanyName is the business's name (business connectors).
	CompanyName *string `json:"companyName,omitempty"`
	// PhoneNumbers are the owner's phone numbers.
	PhoneNumbers []PhoneNumber `json:"phoneNumbers,omitempty"`
	// Emails are the owner's email addresses.
	Emails []Email `json:"emails,omitempty"`
	// Addresses are the owner's addresses.
	Addresses []Address `json:"addresses,omitempty"`
	// Relations are people related to the owner.
	Relations []IdentityRelation `json:"relations,omitempty"`
	// InvestorProfile rates the owner as an investor.
	InvestorProfile InvestorProfile `json:"investorProfile,omitempty"`
	// Qualifications describe the owner's occupation, income and patrimony.
	Qualifications *IdentityQualifications `json:"qualifications,omitempty"`
	// FinancialRelationships describe the owner's relationship with the
	// institution: since when, which products, procurators, accounts.
	FinancialRelationships *FinancialRelationships `json:"financialRelationships,omitempty"`
	// SocialName is the natural person's social name (PF only).
	SocialName *string `json:"socialName,omitempty"`
	// Sex is the natural person's sex (PF only).
	Sex Sex `json:"sex,omitempty"`
	// MaritalStatus is the natural person's marital status (PF only).
	MaritalStatus *MaritalStatus `json:"maritalStatus,omitempty"`
	// Nationality is the natural person's nationality (PF only).
	Nationality *Nationality `json:"nationality,omitempty"`
	// OtherDocuments are the natural person's other documents (PF only).
	OtherDocuments []OtherDocument `json:"otherDocuments,omitempty"`
	// Passport is the natural person's passport (PF only).
	Passport *Passport `json:"passport,omitempty"`
	// IncorporationDate is when the business was incorporated (PJ only).
	IncorporationDate time.Time `json:"incorporationDate,omitzero"`
	// Parties are the business's partners and administrators (PJ only).
	Parties []BusinessParty `json:"parties,omitempty"`
	// BusinessOtherDocuments are documents of a business abroad (PJ only).
	BusinessOtherDocuments []BusinessOtherDocument `json:"businessOtherDocuments,omitempty"`
	// CompaniesCNPJ are the CNPJs of the institutions keeping the customer's
	// registration, digits only.
	CompaniesCNPJ []string `json:"companiesCnpj,omitempty"`
	// CreatedAt is when Pluggy first collected the identity (sent by the
	// live API; not in the spec's schema).
	CreatedAt time.Time `json:"createdAt,omitzero"`
	// UpdatedAt is when the identity last changed (live API; not in the schema).
	UpdatedAt time.Time `json:"updatedAt,omitzero"`
}

// PhoneNumber is a phone number of the owner (PhoneNumber).
type PhoneNumber struct {
	// Type is Personal, Work or Residencial.
	Type PhoneType `json:"type,omitempty"`
	// Value is the complete number.
	Value string `json:"value"`
	// CountryCallingCode is the DDI, when not 55.
	CountryCallingCode *string `json:"countryCallingCode,omitempty"`
	// AreaCode is the DDD.
	AreaCode *string `json:"areaCode,omitempty"`
	// Extension is the extension (ramal).
	Extension *string `json:"extension,omitempty"`
	// AdditionalInfo describes a phone type outside the standard ones.
	AdditionalInfo *string `json:"additionalInfo,omitempty"`
}

// Email is an email address of the owner (Email).
type Email struct {
	// Type is Personal or Work.
	Type ContactType `json:"type,omitempty"`
	// Value is the address.
	Value string `json:"value"`
}

// Address is an address of the owner (Address).
type Address struct {
	// FullAddress is the whole address in one line.
	FullAddress *string `json:"fullAddress,omitempty"`
	// PrimaryAddress is the street and number.
	PrimaryAddress *string `json:"primaryAddress,omitempty"`
	// City is the city.
	City *string `json:"city,omitempty"`
	// PostalCode is the CEP.
	PostalCode *string `json:"postalCode,omitempty"`
	// State is the state ("SP").
	State *string `json:"state,omitempty"`
	// Country is the country's name.
	Country *string `json:"country,omitempty"`
	// Type is Personal or Work.
	Type ContactType `json:"type,omitempty"`
	// AdditionalInfo is the complement (apartment, block, ...).
	AdditionalInfo *string `json:"additionalInfo,omitempty"`
	// District is the bairro.
	District *string `json:"district,omitempty"`
	// IbgeTownCode is the IBGE municipality code (7 digits).
	IbgeTownCode *string `json:"ibgeTownCode,omitempty"`
	// CountryCode is the ISO-3166 alpha-3 code ("BRA").
	CountryCode *string `json:"countryCode,omitempty"`
	// GeographicCoordinates locate the address.
	GeographicCoordinates *GeographicCoordinates `json:"geographicCoordinates,omitempty"`
}

// GeographicCoordinates are WGS84 decimal degrees (GeographicCoordinates).
type GeographicCoordinates struct {
	// Latitude is between -90 and 90.
	Latitude Decimal `json:"latitude"`
	// Longitude is between -180 and 180.
	Longitude Decimal `json:"longitude"`
}

// IdentityRelation is a person related to the owner (IdentityRelation).
type IdentityRelation struct {
	// Type is Mother, Father or Spouse.
	Type RelationType `json:"type,omitempty"`
	// Name is the person's full name.
	Name *string `json:"name,omitempty"`
	// Document is the person's primary document.
	Document *string `json:"document,omitempty"`
}

// IdentityQualifications describe the owner's occupation, income and
// patrimony (IdentityResponse.qualifications).
type IdentityQualifications struct {
	// CompanyCNPJ is the CNPJ of the institution reporting them.
	CompanyCNPJ string `json:"companyCnpj"`
	// OccupationCode is the classification of OccupationDescription.
	OccupationCode OccupationCode `json:"occupationCode,omitempty"`
	// OccupationDescription is the occupation.
	OccupationDescription *string `json:"occupationDescription,omitempty"`
	// InformedIncome is the income the person declared.
	InformedIncome *InformedIncome `json:"informedIncome,omitempty"`
	// InformedPatrimony is the patrimony the person declared.
	InformedPatrimony *InformedPatrimony `json:"informedPatrimony,omitempty"`
	// EconomicActivities are a business's CNAE codes.
	EconomicActivities []EconomicActivity `json:"economicActivities,omitempty"`
	// InformedRevenue is the revenue a business declared.
	InformedRevenue *InformedRevenue `json:"informedRevenue,omitempty"`
}

// InformedIncome is a declared income (qualifications.informedIncome).
type InformedIncome struct {
	// Frequency is how often it is received.
	Frequency IncomeFrequency `json:"frequency"`
	// Amount is the income.
	Amount Decimal `json:"amount"`
	// Date is when it was declared.
	Date time.Time `json:"date"`
}

// InformedPatrimony is a declared patrimony (qualifications.informedPatrimony).
type InformedPatrimony struct {
	// Amount is the patrimony.
	Amount Decimal `json:"amount"`
	// Year is the reference year.
	Year int `json:"year"`
	// Date is when it was declared.
	Date time.Time `json:"date,omitzero"`
}

// EconomicActivity is one CNAE code of a business (EconomicActivity).
type EconomicActivity struct {
	// Code is the 7-digit CNAE code.
	Code string `json:"code"`
	// IsMain marks the main activity.
	IsMain bool `json:"isMain"`
}

// InformedRevenue is the revenue (faturamento) a business declared
// (InformedRevenue).
type InformedRevenue struct {
	// Amount is the revenue.
	Amount Decimal `json:"amount"`
	// Frequency is its period.
	Frequency RevenueFrequency `json:"frequency,omitempty"`
	// FrequencyAdditionalInfo describes the period when it is OTHER.
	FrequencyAdditionalInfo *string `json:"frequencyAdditionalInfo,omitempty"`
	// Year is the reference year.
	Year *int `json:"year,omitempty"`
}

// FinancialRelationships describe the owner's relationship with the
// institution (IdentityResponse.financialRelationships).
type FinancialRelationships struct {
	// StartDate is when the relationship began.
	StartDate time.Time `json:"startDate"`
	// ProductsServicesType lists the kinds of products held ("CONTA_DEPOSITO_A_VISTA", ...).
	ProductsServicesType []string `json:"productsServicesType"`
	// ProductsServicesTypeAdditionalInfo complements ProductsServicesType.
	ProductsServicesTypeAdditionalInfo *string `json:"productsServicesTypeAdditionalInfo,omitempty"`
	// Procurators are the people who may act for the owner.
	Procurators []Procurator `json:"procurators"`
	// Accounts are the owner's accounts at the institution.
	Accounts []FinancialRelationshipAccount `json:"accounts,omitempty"`
	// PortabilitiesReceived are approved salary portabilities into the institution.
	PortabilitiesReceived []PortabilityReceived `json:"portabilitiesReceived,omitempty"`
	// PaychecksBankLink are the owner's paycheck-bank (banco-folha) links.
	PaychecksBankLink []PaycheckBankLink `json:"paychecksBankLink,omitempty"`
}

// Procurator is someone who may act for the owner
// (financialRelationships.procurators[]).
type Procurator struct {
	// Type is REPRESENTANTE_LEGAL or PROCURADOR.
	Type ProcuratorType `json:"type"`
	// CPFNumber is the procurator's CPF.
	CPFNumber string `json:"cpfNumber"`
	// DocumentNumber is the procurator's document, CPF or CNPJ.
	DocumentNumber *string `json:"documentNumber,omitempty"`
	// DocumentType is the kind of DocumentNumber.
	DocumentType DocumentType `json:"documentType,omitempty"`
	// CivilName is the procurator's civil name.
	CivilName string `json:"civilName"`
	// SocialName is the procurator's social name.
	SocialName *string `json:"socialName,omitempty"`
}

// FinancialRelationshipAccount is an account of the owner at the
// institution (financialRelationships.accounts[]).
type FinancialRelationshipAccount struct {
	// CompeCode is the bank's COMPE code.
	CompeCode string `json:"compeCode"`
	// BranchCode is the agency.
	BranchCode string `json:"branchCode"`
	// Number is the account number.
	Number string `json:"number"`
	// CheckDigit is the account's check digit.
	CheckDigit string `json:"checkDigit"`
	// Type is the account type ("CONTA_DEPOSITO_A_VISTA", ...).
	Type string `json:"type"`
	// Subtype is the account subtype ("INDIVIDUAL", "CONJUNTA_SIMPLES", ...).
	Subtype string `json:"subtype"`
}

// PortabilityReceived is an approved salary portability into the
// institution (PortabilityReceived).
type PortabilityReceived struct {
	// EmployerName is the employer's name.
	EmployerName string `json:"employerName"`
	// EmployerDocument is the employer's CPF or CNPJ.
	EmployerDocument string `json:"employerDocument"`
	// PaycheckBankDetainerCNPJ is the CNPJ of the bank holding the paycheck account.
	PaycheckBankDetainerCNPJ string `json:"paycheckBankDetainerCnpj"`
	// PaycheckBankDetainerISPB is its ISPB.
	PaycheckBankDetainerISPB string `json:"paycheckBankDetainerIspb"`
	// PortabilityApprovalDate is when the portability was approved.
	PortabilityApprovalDate time.Time `json:"portabilityApprovalDate"`
}

// PaycheckBankLink is a paycheck-bank (banco-folha) link to an employer,
// active or former (PaycheckBankLink).
type PaycheckBankLink struct {
	// EmployerName is the employer's name.
	EmployerName string `json:"employerName"`
	// EmployerDocument is the employer's CPF or CNPJ.
	EmployerDocument string `json:"employerDocument"`
	// PaycheckBankCNPJ is the CNPJ of the paycheck bank.
	PaycheckBankCNPJ string `json:"paycheckBankCnpj"`
	// PaycheckBankISPB is its ISPB.
	PaycheckBankISPB string `json:"paycheckBankIspb"`
	// AccountOpeningDate is when the paycheck account was opened.
	AccountOpeningDate time.Time `json:"accountOpeningDate"`
}

// MaritalStatus is a natural person's marital status (MaritalStatus).
type MaritalStatus struct {
	// Code is the status.
	Code MaritalStatusCode `json:"code"`
	// AdditionalInfo describes the status when Code is OTHER.
	AdditionalInfo *string `json:"additionalInfo,omitempty"`
}

// Nationality is a natural person's nationality (Nationality).
type Nationality struct {
	// HasBrazilianNationality tells whether the person is Brazilian.
	HasBrazilianNationality bool `json:"hasBrazilianNationality"`
	// OtherNationalities are the person's other nationalities.
	OtherNationalities []OtherNationality `json:"otherNationalities,omitempty"`
}

// OtherNationality is a non-Brazilian nationality and its documents
// (Nationality.otherNationalities[]).
type OtherNationality struct {
	// CountryCode is the country's ISO-3166 alpha-3 code.
	CountryCode string `json:"countryCode"`
	// Documents support the nationality.
	Documents []NationalityDocument `json:"documents"`
}

// NationalityDocument supports a non-Brazilian nationality (NationalityDocument).
type NationalityDocument struct {
	// Type is the document's type (free text).
	Type string `json:"type"`
	// Number is the document's number.
	Number string `json:"number"`
	// Country is the issuing country's name.
	Country *string `json:"country,omitempty"`
	// IssueDate is when it was issued.
	IssueDate time.Time `json:"issueDate,omitzero"`
	// ExpirationDate is when it expires.
	ExpirationDate time.Time `json:"expirationDate,omitzero"`
	// AdditionalInfo complements it.
	AdditionalInfo *string `json:"additionalInfo,omitempty"`
}

// OtherDocument is another identification document of a natural person
// (OtherDocument).
type OtherDocument struct {
	// Type is CNH, RG, NIF, RNE or OTHER.
	Type OtherDocumentType `json:"type"`
	// TypeAdditionalInfo describes the type when it is OTHER.
	TypeAdditionalInfo *string `json:"typeAdditionalInfo,omitempty"`
	// Number is the document's number.
	Number string `json:"number"`
	// CheckDigit is its check digit, if any.
	CheckDigit *string `json:"checkDigit,omitempty"`
	// AdditionalInfo is the issuing authority ("SSP/SP") or other detail.
	AdditionalInfo *string `json:"additionalInfo,omitempty"`
	// ExpirationDate is when it expires.
	ExpirationDate time.Time `json:"expirationDate,omitzero"`
}

// Passport is a natural person's passport (Passport).
type Passport struct {
	// Number is the passport's number.
	Number string `json:"number"`
	// Country is the issuing country's ISO-3166 alpha-3 code.
	Country string `json:"country"`
	// IssueDate is when it was issued.
	IssueDate time.Time `json:"issueDate,omitzero"`
	// ExpirationDate is when it expires.
	ExpirationDate time.Time `json:"expirationDate,omitzero"`
}

// BusinessParty is a partner or administrator of a business (BusinessParty).
type BusinessParty struct {
	// Type is PARTNER or ADMINISTRATOR.
	Type BusinessPartyType `json:"type"`
	// PersonType is NATURAL_PERSON or LEGAL_ENTITY.
	PersonType PartyPersonType `json:"personType"`
	// DocumentType is the kind of DocumentNumber.
	DocumentType PartyDocumentType `json:"documentType"`
	// DocumentNumber is the party's document number.
	DocumentNumber string `json:"documentNumber"`
	// DocumentCountry is the document's issuing country (ISO-3166 alpha-3).
	DocumentCountry *string `json:"documentCountry,omitempty"`
	// DocumentExpirationDate is when the document expires.
	DocumentExpirationDate time.Time `json:"documentExpirationDate,omitzero"`
	// DocumentIssueDate is when the document was issued.
	DocumentIssueDate time.Time `json:"documentIssueDate,omitzero"`
	// DocumentAdditionalInfo complements the document.
	DocumentAdditionalInfo *string `json:"documentAdditionalInfo,omitempty"`
	// CivilName is a natural person's civil name.
	CivilName *string `json:"civilName,omitempty"`
	// SocialName is a natural person's social name.
	SocialName *string `json:"socialName,omitempty"`
	// CompanyName is a legal entity's company name.
	CompanyName *string `json:"companyName,omitempty"`
	// TradeName is a legal entity's trade name.
	TradeName *string `json:"tradeName,omitempty"`
	// StartDate is when the participation began.
	StartDate time.Time `json:"startDate,omitzero"`
	// Shareholding is a partner's share, a fraction between 0 and 1.
	Shareholding Decimal `json:"shareholding,omitzero"`
}

// BusinessOtherDocument is a document of a business headquartered abroad
// (BusinessOtherDocument).
type BusinessOtherDocument struct {
	// Type is the document's type ("EIN").
	Type string `json:"type"`
	// Number is the document's number.
	Number string `json:"number"`
	// Country is the issuing country (ISO-3166 alpha-3).
	Country string `json:"country"`
	// ExpirationDate is when it expires.
	ExpirationDate time.Time `json:"expirationDate,omitzero"`
}

// Get returns an identity by its id (GET /identity/{id}). A missing one is an
// *Error matching ErrNotFound.
func (s *IdentityService) Get(ctx context.Context, id string, opts ...RequestOption) (*Identity, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	return callFor[Identity](ctx, s.client, "GET /identity/{id}", []string{id}, nil, nil, opts...)
}

// GetByItem returns the identity of an item's owner (GET /identity?itemId=…).
// An item without an identity (not collected, or not a product of the
// connector) is an *Error matching ErrNotFound.
func (s *IdentityService) GetByItem(ctx context.Context, itemID string, opts ...RequestOption) (*Identity, error) {
	if err := requireID("itemId", itemID); err != nil {
		return nil, err
	}
	var q query
	q.str("itemId", itemID)
	return callFor[Identity](ctx, s.client, "GET /identity", nil, q.values(), nil, opts...)
}
