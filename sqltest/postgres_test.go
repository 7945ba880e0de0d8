package sqltest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
)

// postgresDSN returns the address of a PostgreSQL to test against:
// PLUGGY_POSTGRES_URL when set, else a server of the test's own, started
// with initdb and pg_ctl (from PATH or /usr/lib/postgresql/*/bin) in a
// temporary directory on a free loopback port and stopped at the end. With
// neither, the test is skipped, or fails when PLUGGY_REQUIRE_SERVICES=1.
func postgresDSN(t *testing.T) string {
	t.Helper()
	if u := os.Getenv("PLUGGY_POSTGRES_URL"); u != "" {
		return u
	}
	bin := postgresBinDir()
	if bin == "" {
		msg := "no PostgreSQL: set PLUGGY_POSTGRES_URL, or install initdb and pg_ctl (Debian: apt-get install postgresql)"
		if os.Getenv("PLUGGY_REQUIRE_SERVICES") == "1" {
			t.Fatal(msg + " (PLUGGY_REQUIRE_SERVICES=1)")
		}
		t.Skip(msg)
	}
	return startPostgres(t, bin)
}

// postgresBinDir finds the directory holding initdb and pg_ctl.
func postgresBinDir() string {
	if p, err := exec.LookPath("initdb"); err == nil {
		if _, err := exec.LookPath("pg_ctl"); err == nil {
			return filepath.Dir(p)
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Sort(sort.Reverse(sort.StringSlice(dirs))) // the newest version first
	for _, d := range dirs {
		if isFile(filepath.Join(d, "initdb")) && isFile(filepath.Join(d, "pg_ctl")) {
			return d
		}
	}
	return ""
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

func startPostgres(t *testing.T, bin string) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "pluggy-postgres-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	run := asUnprivileged(t, dir) // initdb refuses to run as root
	data := filepath.Join(dir, "data")
	if out, err := run(filepath.Join(bin, "initdb"), "-D", data, "-U", "pluggy", "-A", "trust",
		"-E", "UTF8", "--locale=C", "--no-sync").CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	port := freePort(t)
	logFile := filepath.Join(dir, "postgres.log")
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -F", port, dir)
	if out, err := run(filepath.Join(bin, "pg_ctl"), "-D", data, "-o", opts, "-l", logFile, "-w", "-t", "60", "start").CombinedOutput(); err != nil {
		logText, _ := os.ReadFile(logFile)
		t.Fatalf("pg_ctl start: %v\n%s\n%s", err, out, logText)
	}
	t.Cleanup(func() {
		if out, err := run(filepath.Join(bin, "pg_ctl"), "-D", data, "-m", "fast", "-w", "stop").CombinedOutput(); err != nil {
			t.Logf("pg_ctl stop: %v\n%s", err, out)
		}
	})
	return fmt.Sprintf("postgres://pluggy@127.0.0.1:%d/postgres?sslmode=disable", port)
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// openPostgres connects to the test's PostgreSQL.
func openPostgres(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", postgresDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var lastErr error
	for ctx.Err() == nil {
		if lastErr = db.PingContext(ctx); lastErr == nil {
			return db
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("PostgreSQL does not answer: %v", errors.Join(lastErr, ctx.Err()))
	return nil
}
