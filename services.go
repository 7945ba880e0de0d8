package pluggy

// The services of the client, one per tag of Pluggy's API reference. Each is
// the client under another name; their methods live in the file of their tag.
type (
	// ConnectorsService covers the Connector tag: GET /connectors, ...
	ConnectorsService service
	// ItemsService covers the Items tag: POST /items, GET /items/{id}, ...
	ItemsService service
	// ConsentsService covers the Consent tag.
	ConsentsService service
	// AccountsService covers the Account tag.
	AccountsService service
	// TransactionsService covers the Transaction tag.
	TransactionsService service
	// InvestmentsService covers the Investment tag.
	InvestmentsService service
	// IdentityService covers the Identity tag.
	IdentityService service
	// LoansService covers the Loan tag.
	LoansService service
	// BillsService covers the Bill tag.
	BillsService service
	// CategoriesService covers the Category tag.
	CategoriesService service
	// MerchantsService covers the Merchant tag.
	MerchantsService service
	// WebhooksService covers the Webhook tag.
	WebhooksService service

	// PaymentRequestsService covers the Payment Request tag.
	PaymentRequestsService service
	// PaymentIntentsService covers the Payment Intent tag.
	PaymentIntentsService service
	// PaymentCustomersService covers the Payment Customer tag.
	PaymentCustomersService service
	// PaymentRecipientsService covers the Payment Recipient tag, institutions included.
	PaymentRecipientsService service
	// PaymentSchedulesService covers the Payment Schedule tag.
	PaymentSchedulesService service
	// AutomaticPixService covers the Automatic PIX tag.
	AutomaticPixService service
	// SmartTransfersService covers the Smart Transfer tag.
	SmartTransfersService service
	// BoletosService covers the Boleto Management tag.
	BoletosService service
)

// PaymentsService groups the payment initiation services.
type PaymentsService struct {
	// Requests creates and reads payment requests, PIX QR included.
	Requests *PaymentRequestsService
	// Intents starts and reads payment intents.
	Intents *PaymentIntentsService
	// Customers manages payment customers.
	Customers *PaymentCustomersService
	// Recipients manages payment recipients and lists institutions.
	Recipients *PaymentRecipientsService
	// Schedules reads and cancels scheduled payments.
	Schedules *PaymentSchedulesService
	// AutomaticPix manages automatic PIX authorisations and payments.
	AutomaticPix *AutomaticPixService
	// SmartTransfers manages smart transfer preauthorizations and payments.
	SmartTransfers *SmartTransfersService
	// Boletos manages boleto connections and issued boletos.
	Boletos *BoletosService
}

func (c *Client) initServices() {
	c.Auth = (*AuthService)(&c.common)
	c.Connectors = (*ConnectorsService)(&c.common)
	c.Items = (*ItemsService)(&c.common)
	c.Consents = (*ConsentsService)(&c.common)
	c.Accounts = (*AccountsService)(&c.common)
	c.Transactions = (*TransactionsService)(&c.common)
	c.Investments = (*InvestmentsService)(&c.common)
	c.Identity = (*IdentityService)(&c.common)
	c.Loans = (*LoansService)(&c.common)
	c.Bills = (*BillsService)(&c.common)
	c.Categories = (*CategoriesService)(&c.common)
	c.Merchants = (*MerchantsService)(&c.common)
	c.Webhooks = (*WebhooksService)(&c.common)
	c.Payments = &PaymentsService{
		Requests:       (*PaymentRequestsService)(&c.common),
		Intents:        (*PaymentIntentsService)(&c.common),
		Customers:      (*PaymentCustomersService)(&c.common),
		Recipients:     (*PaymentRecipientsService)(&c.common),
		Schedules:      (*PaymentSchedulesService)(&c.common),
		AutomaticPix:   (*AutomaticPixService)(&c.common),
		SmartTransfers: (*SmartTransfersService)(&c.common),
		Boletos:        (*BoletosService)(&c.common),
	}
}
