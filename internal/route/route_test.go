package route

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSplit(t *testing.T) {
	t.Parallel()
	m, p, err := Split("PATCH /items/{id}")
	require.NoError(t, err)
	assert.Equal(t, "PATCH", m)
	assert.Equal(t, "/items/{id}", p)

	for _, bad := range []string{"", "GET", "GET items", " /items"} {
		_, _, err := Split(bad)
		assert.Error(t, err, bad)
	}
}

func TestExpandEscapesEveryArgument(t *testing.T) {
	t.Parallel()
	got, err := Expand("/payments/requests/{id}/schedules/{scheduleId}/cancel", "a/b", "c d?e")
	require.NoError(t, err)
	assert.Equal(t, "/payments/requests/a%2Fb/schedules/c%20d%3Fe/cancel", got)

	got, err = Expand("/connectors")
	require.NoError(t, err)
	assert.Equal(t, "/connectors", got)
}

func TestExpandRejectsMismatches(t *testing.T) {
	t.Parallel()
	_, err := Expand("/items/{id}")
	assert.ErrorContains(t, err, "no value for {id}")

	_, err = Expand("/items/{id}", "a", "b")
	assert.ErrorContains(t, err, "takes 1 values, got 2")

	_, err = Expand("/items/{id", "a")
	assert.ErrorContains(t, err, "unclosed")

	_, err = Expand("/items/{id}", "")
	assert.True(t, IsEmptyArg(err))
	assert.EqualError(t, err, "empty id")
}
