package pluggy

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A path argument "." or ".." would be sent as a dot segment, which a proxy
// or server resolves into another route: DELETE /items/.. is DELETE /. Every
// operation refuses one with an *ArgumentError before sending anything (POST
// /auth included).
func TestItemsDeleteRefusesDotDot(t *testing.T) {
	c, mock := newTestClient(t)
	err := c.Items.Delete(context.Background(), "..")
	var pe *ArgumentError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "id", pe.Param)
	assert.Contains(t, pe.Problem, `".."`)
	assert.Zero(t, mock.GetTotalCallCount(), "nothing may be sent")
}

func TestDotPathArgumentsAreRefusedEverywhere(t *testing.T) {
	bg := context.Background()
	ops := []struct {
		name  string
		param string // the template's {param} the bad value goes into
		call  func(c *Client, v string) error
	}{
		{"Items.Get", "id", func(c *Client, v string) error { _, err := c.Items.Get(bg, v); return err }},
		{"Items.Update", "id", func(c *Client, v string) error { _, err := c.Items.Update(bg, v, nil); return err }},
		{"Items.SendMFA", "id", func(c *Client, v string) error {
			_, err := c.Items.SendMFA(bg, v, map[string]string{"token": "123456"})
			return err
		}},
		{"Items.Wait", "id", func(c *Client, v string) error { _, err := c.Items.Wait(bg, v, &ItemHandler{}); return err }},
		{"Accounts.Get", "id", func(c *Client, v string) error { _, err := c.Accounts.Get(bg, v); return err }},
		{"Accounts.AllStatements", "id", func(c *Client, v string) error {
			for _, err := range c.Accounts.AllStatements(bg, v) {
				return err
			}
			return errors.New("the iterator yielded nothing")
		}},
		{"Transactions.UpdateCategory", "id", func(c *Client, v string) error {
			_, err := c.Transactions.UpdateCategory(bg, v, "01000000")
			return err
		}},
		{"Webhooks.Delete", "id", func(c *Client, v string) error { err := c.Webhooks.Delete(bg, v); return err }},
		{"Webhooks.Update", "id", func(c *Client, v string) error {
			_, err := c.Webhooks.Update(bg, v, &UpdateWebhookParams{Enabled: Ptr(true)})
			return err
		}},
		{"Payments.Requests.Delete", "id", func(c *Client, v string) error { return c.Payments.Requests.Delete(bg, v) }},
		{"Payments.Schedules.Cancel (first)", "id", func(c *Client, v string) error {
			return c.Payments.Schedules.Cancel(bg, v, "b8c5f8a2-6f0e-4c1e-9d9c-2f7c8a3e1d10")
		}},
		{"Payments.Schedules.Cancel (second)", "scheduleId", func(c *Client, v string) error {
			return c.Payments.Schedules.Cancel(bg, "b8c5f8a2-6f0e-4c1e-9d9c-2f7c8a3e1d10", v)
		}},
		{"Boletos.Cancel", "id", func(c *Client, v string) error { _, err := c.Payments.Boletos.Cancel(bg, v); return err }},
		{"Categories.DeleteRule", "id", func(c *Client, v string) error { return c.Categories.DeleteRule(bg, v) }},
	}
	for _, op := range ops {
		for _, v := range []string{".", ".."} {
			t.Run(op.name+"/"+v, func(t *testing.T) {
				c, mock := newTestClient(t)
				err := op.call(c, v)
				var pe *ArgumentError
				require.ErrorAs(t, err, &pe)
				assert.Equal(t, op.param, pe.Param)
				assert.ErrorIs(t, err, ErrInvalidArgument)
				assert.Zero(t, mock.GetTotalCallCount(), "nothing may be sent")
			})
		}
	}
}

// The check is in the pipeline, for every route, whether or not the method
// checks its arguments itself.
func TestPipelineRefusesDotAndEmptyPathArguments(t *testing.T) {
	c, mock := newTestClient(t)
	for _, args := range [][]string{{"."}, {".."}, {""}} {
		err := c.call(context.Background(), "GET /items/{id}", args, nil, nil, nil)
		var pe *ArgumentError
		require.ErrorAs(t, err, &pe, "%q", args)
		assert.Equal(t, "id", pe.Param)
	}
	err := c.call(context.Background(), "POST /payments/requests/{id}/schedules/{scheduleId}/cancel", []string{"a", ".."}, nil, nil, nil)
	var pe *ArgumentError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "scheduleId", pe.Param)
	assert.Zero(t, mock.GetTotalCallCount())
}
