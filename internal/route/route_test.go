package route

import (
	"strings"
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
	var argErr *ArgError
	require.ErrorAs(t, err, &argErr)
	assert.Equal(t, ArgError{Name: "id", Problem: "must not be empty"}, *argErr)
}

func TestExpandRefusesDotSegments(t *testing.T) {
	for _, v := range []string{".", ".."} {
		for _, tmpl := range []string{"/items/{id}", "/payments/requests/{id}/schedules/{scheduleId}/cancel"} {
			args := []string{v}
			if strings.Count(tmpl, "{") == 2 {
				args = []string{"ok", v}
			}
			_, err := Expand(tmpl, args...)
			var argErr *ArgError
			require.ErrorAs(t, err, &argErr, "%s %q", tmpl, v)
			want := "id"
			if len(args) == 2 {
				want = "scheduleId"
			}
			assert.Equal(t, want, argErr.Name)
			assert.Contains(t, argErr.Problem, "dot segment")
		}
	}
	// Dots inside a value, or more than two, are one ordinary segment.
	for _, v := range []string{"...", ".a", "a..", "a/..", "%2e%2e"} {
		got, err := Expand("/items/{id}", v)
		require.NoError(t, err, v)
		assert.NotContains(t, strings.Split(got, "/"), "..", v)
	}
}
