package notify

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/cloudmoo/cloudmoo-desktop/internal/snihost"
)

// startBus starts a private session bus that activates no services (so no
// real notification daemon can answer) and returns its address.
func startBus(t *testing.T) string { return snihost.StartBus(t) }

// received is one Notify call as the server saw it.
type received struct {
	AppName, Icon, Summary, Body string
	ReplacesID, ID               uint32
	Hints                        map[string]dbus.Variant
	Timeout                      int32
}

// notificationServer is a stand-in org.freedesktop.Notifications.
type notificationServer struct {
	caps []string
	mu   sync.Mutex
	got  []received
	next uint32
}

func (s *notificationServer) GetCapabilities() ([]string, *dbus.Error) { return s.caps, nil }

func (s *notificationServer) GetServerInformation() (string, string, string, string, *dbus.Error) {
	return "stand-in", "cloudmoo", "1", "1.2", nil
}

func (s *notificationServer) Notify(app string, replaces uint32, icon, summary, body string, actions []string,
	hints map[string]dbus.Variant, timeout int32) (uint32, *dbus.Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := replaces
	if id == 0 {
		s.next++
		id = s.next
	}
	s.got = append(s.got, received{app, icon, summary, body, replaces, id, hints, timeout})
	return id, nil
}

func (s *notificationServer) received() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.got...)
}

func serveNotifications(t *testing.T, addr string, caps ...string) *notificationServer {
	t.Helper()
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	s := &notificationServer{caps: caps}
	if err := conn.Export(s, notificationsPath, notificationsIface); err != nil {
		t.Fatal(err)
	}
	if reply, err := conn.RequestName(notificationsName, dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("own %s: %v %v", notificationsName, reply, err)
	}
	return s
}

func TestDesktopNotify(t *testing.T) {
	addr := startBus(t)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", addr)
	server := serveNotifications(t, addr, "body", "body-markup")
	n := NewDesktop()
	ctx := context.Background()

	first := Notification{Kind: KindRateLimited, ProjectID: "p1", ProjectName: "a<b", Summary: "a<b: rate limited", Body: "a<b & co are refused"}
	if err := n.Notify(ctx, first); err != nil {
		t.Fatal(err)
	}
	back := Notification{Kind: KindRecovered, ProjectID: "p1", ProjectName: "a<b", Summary: "a<b: back to normal", Body: "ok"}
	if err := n.Notify(ctx, back); err != nil {
		t.Fatal(err)
	}
	other := Notification{Kind: KindLow, ProjectID: "p2", Summary: "c: API budget low", Body: "low"}
	if err := n.Notify(ctx, other); err != nil {
		t.Fatal(err)
	}

	got := server.received()
	if len(got) != 3 {
		t.Fatalf("server got %d notifications", len(got))
	}
	r := got[0]
	if r.AppName != "CloudMoo" || r.Icon != "com.cloudmoo.desktop" || r.Summary != first.Summary || r.Timeout != -1 || r.ReplacesID != 0 {
		t.Errorf("first notification %+v", r)
	}
	if r.Body != "a&lt;b &amp; co are refused" {
		t.Errorf("body %q: the server reads markup, so it must be escaped", r.Body)
	}
	if e := r.Hints["desktop-entry"]; e.Value() != "com.cloudmoo.desktop" {
		t.Errorf("desktop-entry hint %v", e)
	}
	if got[1].ReplacesID != r.ID {
		t.Errorf("back to normal replaces %d, want the project's last notification %d", got[1].ReplacesID, r.ID)
	}
	if got[2].ReplacesID != 0 {
		t.Errorf("another project's notification replaces %d", got[2].ReplacesID)
	}
}

func TestDesktopNotifyPlainBody(t *testing.T) {
	addr := startBus(t)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", addr)
	server := serveNotifications(t, addr, "body")
	if err := NewDesktop().Notify(context.Background(), Notification{Summary: "s", Body: "a<b & c"}); err != nil {
		t.Fatal(err)
	}
	if got := server.received(); len(got) != 1 || got[0].Body != "a<b & c" {
		t.Fatalf("a server without body-markup gets the text as is: %+v", got)
	}
}

func TestDesktopNotifyWithoutServer(t *testing.T) {
	addr := startBus(t)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", addr)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := NewDesktop().Notify(ctx, Notification{Summary: "s", Body: "b"})
	if err == nil || !strings.Contains(err.Error(), "no notification service") {
		t.Fatalf("no server: %v", err)
	}
}

func TestDesktopNotifyWithoutBus(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	t.Setenv("HOME", t.TempDir())
	if _, err := os.Stat(fmt.Sprintf("/run/user/%d/bus", os.Getuid())); err == nil {
		t.Skip("this session has a bus under /run/user, which godbus finds without the variable")
	}
	err := NewDesktop().Notify(context.Background(), Notification{Summary: "s"})
	if !errors.Is(err, ErrNoSessionBus) {
		t.Fatalf("no bus: %v", err)
	}
}
