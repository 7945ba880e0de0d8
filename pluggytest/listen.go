package pluggytest

import (
	"context"
	"net"
	"net/http/httptest"
)

// WithListener makes the server accept connections on l instead of on a new
// loopback port of its own: for a fake that serves on an address chosen in
// advance, as cmd/pluggy-fake does. The server's URL is "http://" and l's
// address; Close and Shutdown close l.
func WithListener(l net.Listener) Option { return func(s *Server) { s.listener = l } }

// startHTTP starts serving s.mux, on WithListener's listener if there is one.
func (s *Server) startHTTP() *httptest.Server {
	if s.listener == nil {
		return httptest.NewServer(s.mux)
	}
	hs := httptest.NewUnstartedServer(s.mux)
	_ = hs.Listener.Close() // the loopback port httptest opened for itself
	hs.Listener = s.listener
	hs.Start()
	return hs
}

// Shutdown stops the server gracefully: it stops accepting connections,
// closes the idle ones and waits for the requests in progress to be
// answered, until ctx ends. Then it closes whatever is left, as Close does,
// and returns ctx's error if requests were cut short. Calling Close after
// Shutdown is harmless.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.hs.Config.Shutdown(ctx)
	if err != nil {
		s.hs.CloseClientConnections()
	}
	s.hs.Close()
	return err
}
