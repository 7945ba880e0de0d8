package pluggy_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"sync"
	"time"

	"github.com/pluggy-go/pluggy"
	"github.com/pluggy-go/pluggy/pluggytest"
)

// answers hands the MFA answers a web backend receives on one HTTP request
// (the user's browser posting the token) to the driver waiting in another.
type answers struct {
	mu      sync.Mutex
	pending map[string]chan map[string]string // by item id
}

// wait blocks until the answer for itemID arrives, ctx ends, or the
// parameter expires, whichever comes first.
func (a *answers) wait(ctx context.Context, itemID string, p *pluggy.Parameter) (map[string]string, error) {
	ch := make(chan map[string]string, 1)
	a.mu.Lock()
	a.pending[itemID] = ch
	a.mu.Unlock()
	defer func() {
		a.mu.Lock()
		delete(a.pending, itemID)
		a.mu.Unlock()
	}()
	var expired <-chan time.Time
	if p.ExpiresAt != nil && !p.ExpiresAt.IsZero() {
		t := time.NewTimer(time.Until(p.ExpiresAt.Time))
		defer t.Stop()
		expired = t.C
	}
	select {
	case v := <-ch:
		return v, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-expired:
		return nil, nil // send nothing: Pluggy ends the item USER_INPUT_TIMEOUT
	}
}

// deliver is what the handler of the user's POST calls; it reports whether
// a driver was waiting for that item.
func (a *answers) deliver(itemID string, v map[string]string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	ch, ok := a.pending[itemID]
	if ok {
		select {
		case ch <- v:
		default: // answered already
		}
	}
	return ok
}

// A web backend whose answer arrives on another request: OnParameter shows
// the ask to the user (here, a print) and blocks until the answer comes
// through a channel, ctx ends or the parameter expires. An oauth ask needs
// none of that: send the user to p.OAuthURL() and return nil. One test,
// errors.Is(err, pluggy.ErrParameterExpired), tells a user who took too
// long, whether they answered late or never.
func ExampleItemHandler_answerFromAnotherRequest() {
	srv := pluggytest.NewServer(pluggytest.WithStepDuration(0))
	defer srv.Close()
	client, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	box := &answers{pending: map[string]chan map[string]string{}}

	item, err := client.Items.Connect(context.Background(), &pluggy.CreateItemParams{
		ConnectorID: pluggytest.ConnectorPluggyBank,
		Parameters:  map[string]string{"user": "user-ok", "password": "password-ok"},
	}, &pluggy.ItemHandler{
		OnParameter: func(ctx context.Context, item *pluggy.Item, p *pluggy.Parameter) (map[string]string, error) {
			if p.Type == pluggy.ParameterTypeOAuth {
				u, err := p.OAuthURL()
				fmt.Println("redirect the user to", u)
				return nil, err
			}
			fmt.Printf("ask the user for %s\n", p.Label)
			// Stands for the user's browser posting the token to another
			// handler of the backend, which calls box.deliver.
			go func() {
				for !box.deliver(item.ID, map[string]string{p.Name: "123456"}) {
					time.Sleep(time.Millisecond)
				}
			}()
			return box.wait(ctx, item.ID, p)
		},
		Poll: noWait,
	})
	switch {
	case errors.Is(err, pluggy.ErrParameterExpired):
		fmt.Println("the user took too long; item", item.Status)
	case err != nil:
		log.Fatal(err)
	default:
		fmt.Println(item.Status, item.ExecutionStatus)
	}
	// Output:
	// ask the user for Token
	// UPDATED SUCCESS
}
