package pluggy_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"time"

	"github.com/pluggy-go/pluggy"
	"github.com/pluggy-go/pluggy/pluggytest"
)

// A PIX payment from start to end, here against the fake API: a recipient,
// a payment request of R$ 10,10, an intent for the payer, followed to its
// final status. The fake's intents move one step per read here
// (WithPaymentSteps(0)), so that the output is the same on every run.
func ExamplePaymentIntentsService_Wait() {
	srv := pluggytest.NewServer(pluggytest.WithPaymentSteps(0))
	defer srv.Close()
	client, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	insts, err := client.Payments.Recipients.ListInstitutions(ctx, &pluggy.PaymentInstitutionListParams{Name: "Nubank"})
	if err != nil {
		log.Fatal(err)
	}
	recipient, err := client.Payments.Recipients.Create(ctx, &pluggy.CreatePaymentRecipientParams{
		TaxNumber: "123.456.789-09", Name: "Mariana Costa Ribeiro", PaymentInstitutionID: insts.Results[0].ID,
		Account: &pluggy.PaymentRecipientAccount{Branch: "0001", Number: "9876543-2", Type: pluggy.RecipientAccountChecking},
	})
	if err != nil {
		log.Fatal(err)
	}
	request, err := client.Payments.Requests.Create(ctx, &pluggy.CreatePaymentRequestParams{
		Amount: pluggy.DecimalFromFloat(10.10), Description: "Aula de violão", RecipientID: recipient.ID,
	})
	if err != nil {
		log.Fatal(err)
	}
	intent, err := client.Payments.Intents.Create(ctx, &pluggy.CreatePaymentIntentParams{
		PaymentRequestID: request.ID, ConnectorID: pluggy.Ptr(612),
		Parameters: &pluggy.PaymentIntentParameters{CPF: "761.092.776-73"},
	})
	if err != nil {
		log.Fatal(err)
	}
	final, err := client.Payments.Intents.Wait(ctx, intent.ID, 10*time.Millisecond, func(pi *pluggy.PaymentIntent) {
		fmt.Println(pi.Status)
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("amount:", final.PaymentRequest.Amount, "request:", final.PaymentRequest.Status)
	// Output:
	// CONSENT_AWAITING_AUTHORIZATION
	// CONSENT_AUTHORIZED
	// PAYMENT_PENDING
	// PAYMENT_SETTLEMENT_PROCESSING
	// PAYMENT_COMPLETED
	// amount: 10.1 request: COMPLETED
}

// A monthly schedule: the union encodes with its "type", and Dates tells
// when the payments fall.
func ExampleMonthlySchedule() {
	start, _ := pluggy.ParseDate("2027-01-31")
	s := &pluggy.MonthlySchedule{StartDate: start, DayOfMonth: 30, Occurrences: 3}
	b, _ := json.Marshal(s)
	fmt.Println(string(b))
	fmt.Println(s.Dates())
	// A payment request decodes its schedule into the matching Go type.
	var req pluggy.PaymentRequest
	_ = json.Unmarshal([]byte(`{"schedule":`+string(b)+`}`), &req)
	fmt.Printf("%T\n", req.Schedule)
	// Output:
	// {"type":"MONTHLY","startDate":"2027-01-31","dayOfMonth":30,"occurrences":3}
	// [2027-02-28 2027-03-30 2027-04-30]
	// *pluggy.MonthlySchedule
}
