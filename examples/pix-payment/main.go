// Command pix-payment pays a PIX payment request from start to end: it
// registers a recipient, creates a payment request, starts a payment intent
// for a payer and follows the intent until it reaches a final status.
//
// With PLUGGY_CLIENT_ID and PLUGGY_CLIENT_SECRET set it talks to the Pluggy
// API (in sandbox mode; the payer must authorise at the consent URL it
// prints); without them it runs against the built-in fake, pluggytest, where
// the payer's bank answers by itself.
//
//	go run ./examples/pix-payment
//	go run ./examples/pix-payment -reject   # the fake payer's bank refuses
//
// Environment for the real API: PLUGGY_CONNECTOR_ID (the payer's
// institution, 0 by default) and PLUGGY_PAYER_CPF.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/pluggy-go/pluggy"
	"github.com/pluggy-go/pluggy/pluggytest"
)

const defaultPayerCPF = "761.092.776-73"

func main() {
	reject := flag.Bool("reject", false, "with the fake API: make the payer's bank refuse the payment")
	flag.Parse()
	if err := run(*reject); err != nil {
		fmt.Fprintln(os.Stderr, "pix-payment:", err)
		os.Exit(1)
	}
}

func run(reject bool) error {
	payerCPF := envOr("PLUGGY_PAYER_CPF", defaultPayerCPF)
	connectorID, err := strconv.Atoi(envOr("PLUGGY_CONNECTOR_ID", "0"))
	if err != nil {
		return fmt.Errorf("PLUGGY_CONNECTOR_ID: %w", err)
	}
	var (
		client  *pluggy.Client
		timeout = 5 * time.Minute
		poll    = 3 * time.Second
	)
	id, secret := os.Getenv("PLUGGY_CLIENT_ID"), os.Getenv("PLUGGY_CLIENT_SECRET")
	if id != "" && secret != "" {
		fmt.Println("pix-payment: using the Pluggy API at", pluggy.DefaultBaseURL, "(sandbox payment)")
		if client, err = pluggy.NewClient(id, secret); err != nil {
			return err
		}
	} else {
		fmt.Println("pix-payment: using the built-in fake Pluggy API (set PLUGGY_CLIENT_ID and PLUGGY_CLIENT_SECRET for the real one)")
		srv := pluggytest.NewServer()
		defer srv.Close()
		if reject {
			srv.RejectPayments(digits(payerCPF), "SALDO_INSUFICIENTE")
		}
		if client, err = srv.Client(); err != nil {
			return err
		}
		timeout, poll = 30*time.Second, 200*time.Millisecond
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()

	// 1. The institution that holds the recipient's account.
	insts, err := client.Payments.Recipients.ListInstitutions(ctx, &pluggy.PaymentInstitutionListParams{Name: "Itaú", PageSize: 1})
	if err != nil {
		return fmt.Errorf("listing institutions: %w", err)
	}
	if len(insts.Results) == 0 {
		return errors.New("no payment institution matches Itaú")
	}
	inst := insts.Results[0]
	fmt.Printf("institution: %s (ISPB %s)\n", inst.TradeName, inst.ISPB)

	// 2. The recipient: the shop's bank account.
	recipient, err := client.Payments.Recipients.Create(ctx, &pluggy.CreatePaymentRecipientParams{
		TaxNumber:            "12.345.678/0001-95",
		Name:                 "Padaria Pão de Mel Ltda",
		PaymentInstitutionID: inst.ID,
		Account:              &pluggy.PaymentRecipientAccount{Branch: "0341", Number: "45678-9", Type: pluggy.RecipientAccountChecking},
	})
	if err != nil {
		return fmt.Errorf("creating the recipient: %w", err)
	}
	fmt.Printf("recipient: %s, branch %s account %s\n", recipient.Name, recipient.Account.Branch, recipient.Account.Number)

	// 3. The payment request: R$ 10,10, exact (sent as 10.1, never 10.0999…).
	request, err := client.Payments.Requests.Create(ctx, &pluggy.CreatePaymentRequestParams{
		Amount:          pluggy.DecimalFromFloat(10.10),
		Description:     "Pedido #1001 - Padaria Pão de Mel",
		RecipientID:     recipient.ID,
		ClientPaymentID: "pedido-1001",
		IsSandbox:       pluggy.Ptr(true),
	})
	if err != nil {
		return fmt.Errorf("creating the payment request: %w", err)
	}
	fmt.Printf("payment request: %s (sent as %s), %s, pay at %s\n", brl(request.Amount), request.Amount, request.Status, request.PaymentURL)

	// 4. The payer starts paying at their bank.
	intent, err := client.Payments.Intents.Create(ctx, &pluggy.CreatePaymentIntentParams{
		PaymentRequestID: request.ID,
		ConnectorID:      pluggy.Ptr(connectorID),
		Parameters:       &pluggy.PaymentIntentParameters{CPF: payerCPF},
	})
	if err != nil {
		return fmt.Errorf("creating the payment intent: %w", err)
	}
	if intent.ConsentURL != nil {
		fmt.Println("payer authorises at:", *intent.ConsentURL)
	}

	// 5. Follow the intent to its final status.
	final, err := client.Payments.Intents.Wait(ctx, intent.ID, poll, func(pi *pluggy.PaymentIntent) {
		fmt.Println("  intent status:", pi.Status)
	})
	if err != nil {
		return fmt.Errorf("following the payment intent: %w", err)
	}
	switch {
	case final.Status == pluggy.PaymentIntentPaymentCompleted:
		fmt.Println("paid: the payment request is", final.PaymentRequest.Status)
		if final.Debtor != nil && final.Debtor.Name != nil {
			fmt.Println("paid by:", *final.Debtor.Name)
		}
	case final.ErrorDetail != nil:
		fmt.Printf("not paid: %s (%s)\n", final.Status, final.ErrorDetail.Code)
	default:
		fmt.Println("not paid:", final.Status)
	}
	return nil
}

// brl formats an amount as Brazilians write it: R$ 10,10.
func brl(d pluggy.Decimal) string {
	cents, err := d.Cents()
	if err != nil {
		return "R$ " + d.String()
	}
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return fmt.Sprintf("%sR$ %d,%02d", sign, cents/100, cents%100)
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func digits(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			out = append(out, s[i])
		}
	}
	return string(out)
}
