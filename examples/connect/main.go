// Command connect connects a bank account through Pluggy and walks the item
// through whatever the institution asks on the way: MFA tokens, choices,
// QR codes, OAuth consents, approvals in the bank's app, device
// authorisations.
//
// With PLUGGY_CLIENT_ID and PLUGGY_CLIENT_SECRET set it uses the Pluggy API;
// without them it starts the built-in fake (pluggytest) and needs no
// account. Its first line says which.
//
// When stdin is a terminal it asks: each credential of the connector, then
// each parameter the item waits for (showing its label, instructions and
// options, and writing an image parameter, a QR code, to a PNG file). Given
// no terminal it answers from a script instead: the -param and -answer
// flags, then the sandbox's values (user-ok, password-ok, the token 123456,
// the first option of a choice).
//
//	go run ./examples/connect                                  # Pluggy Bank, MFA token
//	go run ./examples/connect -connector 3 </dev/null          # joint account, scripted
//	go run ./examples/connect -connector 4 -images /tmp        # a QR code to read
//	go run ./examples/connect -connector 219 </dev/null        # Caixa's device authorisation
//	go run ./examples/connect -param user=user-locked </dev/null
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/pluggy-go/pluggy"
	"github.com/pluggy-go/pluggy/pluggytest"
)

// pairs is a repeatable name=value flag.
type pairs map[string]string

func (p pairs) String() string { return fmt.Sprint(len(p), " values") }

func (p pairs) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || strings.TrimSpace(k) == "" {
		return errors.New("want name=value")
	}
	p[strings.TrimSpace(k)] = v
	return nil
}

// config is what main hands to run.
type config struct {
	connector   int
	params      pairs // credentials given on the command line
	answers     pairs // scripted answers to the item's parameters
	interactive bool
	in          io.Reader
	out         io.Writer
	imageDir    string // where image parameters are written
	poll        pluggy.PollOptions
	getenv      func(string) string
}

func main() {
	cfg := config{params: pairs{}, answers: pairs{}, in: os.Stdin, out: os.Stdout, getenv: os.Getenv,
		interactive: isTerminal(os.Stdin)}
	flag.IntVar(&cfg.connector, "connector", 0, "connector id (0 is the sandbox Pluggy Bank)")
	flag.Var(cfg.params, "param", "a credential, name=value (repeatable); asked for or scripted when missing")
	flag.Var(cfg.answers, "answer", "a scripted answer to a parameter, name=value (repeatable)")
	flag.StringVar(&cfg.imageDir, "images", os.TempDir(), "directory for the PNG files of image parameters")
	flag.DurationVar(&cfg.poll.Interval, "poll", 0, "first wait between two reads of the item (default: 1s, 250ms on the fake)")
	timeout := flag.Duration("timeout", 15*time.Minute, "give up after this long")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	if err := run(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "connect:", err)
		os.Exit(1)
	}
}

// run connects one item as cfg says.
func run(ctx context.Context, cfg config) error {
	client, fake, banner, err := newClient(cfg.getenv)
	if err != nil {
		return err
	}
	if fake != nil {
		defer fake.Close()
		if cfg.poll.Interval == 0 {
			cfg.poll.Interval, cfg.poll.InputInterval = 250*time.Millisecond, 250*time.Millisecond
		}
	}
	fmt.Fprintln(cfg.out, banner)

	conn, err := client.Connectors.Get(ctx, cfg.connector, nil)
	if err != nil {
		return err
	}
	name := fmt.Sprint("connector ", conn.ID)
	if conn.Name != nil {
		name = *conn.Name
	}
	fmt.Fprintf(cfg.out, "Connecting to %s (connector %d)\n", name, conn.ID)

	u := &user{cfg: cfg, in: bufio.NewReader(cfg.in), fake: fake}
	params := map[string]string{}
	for k, v := range cfg.params {
		params[k] = v
	}
	for i := range conn.Credentials {
		cred := &conn.Credentials[i]
		if _, ok := params[cred.Name]; ok {
			continue
		}
		v, err := u.value(cred)
		if err != nil {
			return err
		}
		if v != "" {
			params[cred.Name] = v
		}
	}

	create := &pluggy.CreateItemParams{ConnectorID: conn.ID, Parameters: params}
	item, err := client.Items.Connect(ctx, create, u.handler())
	var itemErr *pluggy.ItemError
	var expired *pluggy.ParameterExpiredError
	switch {
	case errors.Is(err, pluggy.ErrParameterExpired):
		// The user took too long: an answer after expiresAt (nothing was
		// sent), or none before Pluggy gave up (USER_INPUT_TIMEOUT).
		if errors.As(err, &expired) {
			return fmt.Errorf("too late: %q expired at %s", expired.Parameter, expired.ExpiresAt.Local().Format(time.TimeOnly))
		}
		return errors.New("too late: the institution stopped waiting for an answer")
	case errors.As(err, &itemErr):
		msg := fmt.Sprintf("the connection failed: %s", itemErr.Code)
		if itemErr.ProviderMessage != "" {
			msg += " (" + itemErr.ProviderMessage + ")"
		}
		if itemErr.Retryable() {
			msg += "; trying again later may work"
		}
		return errors.New(msg)
	case err != nil:
		return err
	}
	fmt.Fprintf(cfg.out, "Connected: item %s is %s (%s)\n", item.ID, item.Status, item.ExecutionStatus)
	if late := item.StatusDetail.NotUpdated(); len(late) > 0 {
		fmt.Fprintf(cfg.out, "Not updated this time: %s\n", strings.Join(late, ", "))
	}
	return nil
}

// newClient returns a client of the Pluggy API when getenv has credentials,
// else of a new fake (returned too, for the caller to close), and the line
// that says which.
func newClient(getenv func(string) string) (*pluggy.Client, *pluggytest.Server, string, error) {
	id, secret := getenv("PLUGGY_CLIENT_ID"), getenv("PLUGGY_CLIENT_SECRET")
	if id != "" && secret != "" {
		c, err := pluggy.NewClient(id, secret, pluggy.WithUserAgent("examples-connect"))
		return c, nil, "connect: using the Pluggy API at " + pluggy.DefaultBaseURL, err
	}
	fake := pluggytest.NewServer()
	c, err := fake.Client()
	if err != nil {
		fake.Close()
		return nil, nil, "", err
	}
	return c, fake, "connect: using the built-in fake Pluggy API (set PLUGGY_CLIENT_ID and PLUGGY_CLIENT_SECRET for the real one)", nil
}

// user is the person connecting: at the terminal, or played by a script.
type user struct {
	cfg  config
	in   *bufio.Reader
	fake *pluggytest.Server // when set, the script also plays the bank's app
}

func (u *user) printf(format string, args ...any) { fmt.Fprintf(u.cfg.out, format, args...) }

func (u *user) handler() *pluggy.ItemHandler {
	return &pluggy.ItemHandler{
		Poll: u.cfg.poll,
		OnStatus: func(it *pluggy.Item) {
			u.printf("  … %s / %s\n", it.Status, it.ExecutionStatus)
		},
		OnParameter: func(ctx context.Context, it *pluggy.Item, p *pluggy.Parameter) (map[string]string, error) {
			if p.Type == pluggy.ParameterTypeOAuth {
				return nil, u.oauth(ctx, p)
			}
			if p.Type == pluggy.ParameterTypeImage {
				if err := u.saveImage(it.ID+"-"+p.Name, p.ImageBytes); err != nil {
					return nil, err
				}
			}
			v, err := u.value(p)
			if err != nil {
				return nil, err
			}
			return map[string]string{p.Name: v}, nil
		},
		OnUserAction: func(ctx context.Context, it *pluggy.Item, a *pluggy.UserAction) error {
			u.printf("Action needed: %s\n", a.Instructions)
			if a.ExpiresAt != nil && !a.ExpiresAt.IsZero() {
				u.printf("  (before %s)\n", a.ExpiresAt.Local().Format(time.TimeOnly))
			}
			if a.Attribute("data") != "" {
				if err := u.saveImage(it.ID+"-action", a.ImageBytes); err != nil {
					return err
				}
			}
			if u.fake == nil {
				return nil // the user acts in the bank's app; the item goes on
			}
			if u.cfg.interactive {
				u.printf("Press Enter to approve in the fake bank's app: ")
				if _, err := u.in.ReadString('\n'); err != nil && !errors.Is(err, io.EOF) {
					return err
				}
			}
			u.printf("  (approving in the fake bank's app)\n")
			return u.fake.Approve(it.ID)
		},
		OnAuthorizationPending: func(ctx context.Context, it *pluggy.Item) error {
			u.printf("Authorise the device %q in your bank's app", it.Error.DeviceNickname())
			if n := len(it.Error.QRCodes()); n > 0 {
				u.printf(", scanning the %d QR codes it shows in turn", n)
			}
			u.printf(".\n")
			if !u.cfg.interactive {
				return nil
			}
			u.printf("Press Enter once it is authorised: ")
			_, err := u.in.ReadString('\n')
			if errors.Is(err, io.EOF) {
				err = nil
			}
			return err
		},
	}
}

// oauth sends the user to the institution. On the fake, the script visits
// the consent page itself.
func (u *user) oauth(ctx context.Context, p *pluggy.Parameter) error {
	url, err := p.OAuthURL()
	if err != nil {
		return err
	}
	u.printf("%s: open this address to authorise the access:\n  %s\n", p.Label, url)
	if u.fake == nil || u.cfg.interactive {
		return nil // the institution calls Pluggy back; the item goes on
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode >= 400 {
		return fmt.Errorf("the consent page answered %s", resp.Status)
	}
	u.printf("  (consent given on the fake institution's page)\n")
	return nil
}

// value returns the value of p: from the flags, from the terminal until it
// passes p's checks, or from the sandbox script.
func (u *user) value(p *pluggy.Parameter) (string, error) {
	if v, ok := u.cfg.answers[p.Name]; ok {
		u.printf("%s: (from -answer)\n", p.Label)
		return v, nil
	}
	if !u.cfg.interactive {
		v := scripted(p)
		shown := v
		if p.Type == pluggy.ParameterTypePassword {
			shown = "********"
		}
		u.printf("%s: %s (scripted)\n", p.Label, shown)
		return v, nil
	}
	for {
		u.printf("%s", p.Label)
		if p.IsOptional() {
			u.printf(" (optional)")
		}
		for _, help := range []*string{p.Instructions, p.AssistiveText} {
			if help != nil && *help != "" {
				u.printf("\n  %s", *help)
				break
			}
		}
		for i, o := range p.Options {
			u.printf("\n  %d) %s", i+1, o.Label)
		}
		if p.ExpiresAt != nil && !p.ExpiresAt.IsZero() {
			u.printf("\n  (answer before %s)", p.ExpiresAt.Local().Format(time.TimeOnly))
		}
		u.printf("\n> ")
		line, err := u.in.ReadString('\n')
		if err != nil && (!errors.Is(err, io.EOF) || line == "") {
			return "", fmt.Errorf("reading %s: %w", p.Label, err)
		}
		v := strings.TrimSpace(line)
		if len(p.Options) > 0 { // the number shown stands for its value
			var n int
			if _, err := fmt.Sscan(v, &n); err == nil && n >= 1 && n <= len(p.Options) && fmt.Sprint(n) == v {
				if _, isValue := p.Option(v); !isValue {
					v = p.Options[n-1].Value
				}
			}
		}
		var pe *pluggy.ArgumentError
		if err := p.Validate(v); errors.As(err, &pe) {
			u.printf("  %s\n", pe.Problem)
			continue
		}
		return v, nil
	}
}

// scripted is the sandbox's value for p: the first option of a choice, or
// the first of the usual sandbox values that passes p's checks.
func scripted(p *pluggy.Parameter) string {
	if len(p.Options) > 0 {
		return p.Options[0].Value
	}
	candidates := map[string][]string{
		"user": {"user-ok"}, "password": {"password-ok"}, "token": {"123456"},
		"agency": {"0001"}, "account": {"12345-6"}, "cpf": {"123.456.789-09"},
	}[p.Name]
	candidates = append(candidates, "123456", "user-ok", "password-ok", "123.456.789-09", "0001", "12345-6")
	if p.Type == pluggy.ParameterTypePassword {
		candidates = append([]string{"password-ok"}, candidates...)
	}
	for _, v := range candidates {
		if p.Validate(v) == nil {
			return v
		}
	}
	return "123456"
}

// saveImage writes an image (usually a QR code to scan) to a PNG file and
// says where.
func (u *user) saveImage(name string, decode func() ([]byte, error)) error {
	img, err := decode()
	if err != nil {
		return err
	}
	path := filepath.Join(u.cfg.imageDir, "pluggy-"+name+".png")
	if err := os.WriteFile(path, img, 0o600); err != nil {
		return err
	}
	u.printf("The image to scan is in %s (%s)\n", path, http.DetectContentType(img))
	return nil
}

// isTerminal reports whether f looks like a terminal: a character device
// other than the null device.
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	if err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	null, err := os.Stat(os.DevNull)
	return err != nil || !os.SameFile(st, null)
}
