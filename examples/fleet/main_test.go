package main

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"
)

// TestFleet runs the demonstration on a redis-server of its own (or the
// one PLUGGY_REDIS_URL names, as in the redis module's tests), never on
// whatever answers at the command's default address.
func TestFleet(t *testing.T) {
	redisURL := os.Getenv("PLUGGY_REDIS_URL")
	if _, err := exec.LookPath("redis-server"); err != nil && redisURL == "" {
		if os.Getenv("PLUGGY_REQUIRE_SERVICES") == "1" {
			t.Fatal("redis-server is not on PATH and PLUGGY_REDIS_URL is unset, and PLUGGY_REQUIRE_SERVICES=1 makes Redis mandatory")
		}
		t.Skip("redis-server is not on PATH and PLUGGY_REDIS_URL is unset: skipping")
	}
	t.Setenv("PLUGGY_CLIENT_ID", "")
	t.Setenv("PLUGGY_CLIENT_SECRET", "")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := run(ctx, redisURL)
	if err != nil {
		t.Fatal(err)
	}
	if res.logins != 1 {
		t.Errorf("POST /auth %d times for 3 replicas, want 1", res.logins)
	}
	if res.once != res.events || res.repeat != 0 {
		t.Errorf("%d events: %d handled once, %d more than once", res.events, res.once, res.repeat)
	}
}
