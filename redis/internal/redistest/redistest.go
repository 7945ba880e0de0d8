// Package redistest runs a real redis-server for the module's tests and its
// bench command: on a free loopback port, in a temporary directory, from the
// redis-server binary on PATH, or the server named by PLUGGY_REDIS_URL.
//
// When neither exists, tests skip with a message saying so; with
// PLUGGY_REQUIRE_SERVICES=1 (set by .ci/run) they fail instead, so that they
// cannot pass by skipping.
package redistest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// Server is a redis-server this package started (or one named by
// PLUGGY_REDIS_URL, which it can neither stop nor restart).
type Server struct {
	// Addr is host:port on the loopback interface.
	Addr string
	// URL is redis://Addr.
	URL string

	dir     string
	port    int
	persist bool
	bin     string

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan error // receives cmd.Wait's result once
}

// Options of a started server.
type Options struct {
	// Persist turns on the append-only file with an fsync per write, so
	// that a restart keeps the data (queues, keys).
	Persist bool
}

func required() bool { return os.Getenv("PLUGGY_REQUIRE_SERVICES") == "1" }

func unavailable(t testing.TB, msg string) {
	t.Helper()
	if required() {
		t.Fatalf("%s, and PLUGGY_REQUIRE_SERVICES=1 makes Redis mandatory", msg)
	}
	t.Skipf("%s: skipping (install redis-server or set PLUGGY_REDIS_URL)", msg)
}

// Client returns a go-redis client for a server: PLUGGY_REDIS_URL when set,
// else a redis-server started for this test and stopped at its end. Each
// call with PLUGGY_REDIS_URL flushes nothing: tests namespace their keys.
func Client(t testing.TB) (*goredis.Client, *Server) {
	t.Helper()
	if u := os.Getenv("PLUGGY_REDIS_URL"); u != "" {
		opt, err := goredis.ParseURL(u)
		if err != nil {
			t.Fatalf("PLUGGY_REDIS_URL: %v", err)
		}
		rdb := goredis.NewClient(opt)
		t.Cleanup(func() { _ = rdb.Close() })
		if err := rdb.Ping(context.Background()).Err(); err != nil {
			unavailable(t, "PLUGGY_REDIS_URL does not answer PING: "+err.Error())
		}
		return rdb, &Server{Addr: opt.Addr, URL: u}
	}
	srv := Start(t, Options{})
	return srv.NewClient(t), srv
}

// Start starts a redis-server of its own for the test (even when
// PLUGGY_REDIS_URL is set: the caller wants to stop and restart it).
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		unavailable(t, "redis-server is not on PATH")
	}
	srv, err := StartServer(bin, t.TempDir(), opts)
	if err != nil {
		t.Fatalf("starting redis-server: %v", err)
	}
	t.Cleanup(srv.Stop)
	return srv
}

// StartServer starts bin on a free loopback port with its files in dir.
// The caller stops it with Stop.
func StartServer(bin, dir string, opts Options) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	s := &Server{dir: dir, port: port, persist: opts.Persist, bin: bin}
	s.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	s.URL = "redis://" + s.Addr
	if err := s.Restart(); err != nil {
		return nil, err
	}
	return s, nil
}

// NewClient returns a client of the server, closed at the test's end.
func (s *Server) NewClient(t testing.TB) *goredis.Client {
	rdb := goredis.NewClient(&goredis.Options{
		Addr:        s.Addr,
		DialTimeout: time.Second, ReadTimeout: time.Second, WriteTimeout: time.Second,
		MaxRetries: -1,
	})
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

// Stop stops the server (SIGTERM, then SIGKILL after 5 s) and waits for it.
// It does nothing for a server it did not start or already stopped.
func (s *Server) Stop() {
	s.mu.Lock()
	cmd, exited := s.cmd, s.exited
	s.cmd, s.exited = nil, nil
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(5 * time.Second):
		_ = cmd.Process.Kill()
		<-exited
	}
}

// Restart starts the server again on the same port and directory (a
// stopped one, or a first start), and waits until it answers PING.
func (s *Server) Restart() error {
	if s.bin == "" {
		return errors.New("redistest: this server was not started here (PLUGGY_REDIS_URL)")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return errors.New("redistest: server already running")
	}
	args := []string{
		"--port", strconv.Itoa(s.port), "--bind", "127.0.0.1", "--dir", s.dir,
		"--save", "", "--daemonize", "no", "--protected-mode", "yes",
		"--logfile", filepath.Join(s.dir, "redis.log"),
	}
	if s.persist {
		args = append(args, "--appendonly", "yes", "--appendfsync", "always")
	} else {
		args = append(args, "--appendonly", "no")
	}
	cmd := exec.Command(s.bin, args...)
	cmd.Dir = s.dir
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	rdb := goredis.NewClient(&goredis.Options{Addr: s.Addr, MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	defer rdb.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		err := rdb.Ping(ctx).Err()
		cancel()
		if err == nil {
			s.cmd, s.exited = cmd, exited
			return nil
		}
		select {
		case e := <-exited:
			log, _ := os.ReadFile(filepath.Join(s.dir, "redis.log"))
			return fmt.Errorf("redis-server exited: %v\n%s", e, log)
		default:
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			<-exited
			return fmt.Errorf("redis-server on %s did not answer PING within 10s: %v", s.Addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
