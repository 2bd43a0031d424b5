//go:build linux

// Package snihost gives tray tests a desktop of their own: a private D-Bus
// session bus (a dbus-daemon started for the test, never the user's), and
// a stand-in StatusNotifierWatcher, the part of a panel that tray icons
// register with, which records who registered. A test can then read the
// registered item's properties and menu (com.canonical.dbusmenu) the way
// a panel would.
package snihost

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/godbus/dbus/v5/prop"
)

// busConfig is a session bus that lets everyone talk to everyone and
// activates no services, so nothing from the machine starts on it.
const busConfig = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=%s</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`

// StartBus starts a private session bus for the test and returns its
// address; the bus stops when the test ends. It skips the test when
// dbus-daemon is not installed (apt install dbus).
func StartBus(tb testing.TB) string {
	tb.Helper()
	daemon, err := exec.LookPath("dbus-daemon")
	if err != nil {
		tb.Skip("dbus-daemon not found; install it with: apt install dbus")
	}
	// A short directory: unix socket paths are limited to 108 bytes.
	dir, err := os.MkdirTemp("", "cloudmoo-bus-")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { os.RemoveAll(dir) })
	conf := filepath.Join(dir, "bus.conf")
	if err := os.WriteFile(conf, []byte(fmt.Sprintf(busConfig, dir)), 0o600); err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(daemon, "--config-file="+conf, "--nofork", "--nopidfile", "--print-address=1")
	// The bus dies with the test binary, even one killed by -timeout.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start dbus-daemon: %v", err)
	}
	tb.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(out).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	select {
	case addr := <-line:
		if addr == "" {
			tb.Fatalf("dbus-daemon printed no address: %s", stderr.String())
		}
		return addr
	case <-time.After(10 * time.Second):
		tb.Fatalf("dbus-daemon did not start within 10 s: %s", stderr.String())
		return ""
	}
}

// Connect opens a connection to the bus at addr, closed when the test ends.
func Connect(tb testing.TB, addr string) *dbus.Conn {
	tb.Helper()
	conn, err := dbus.Connect(addr)
	if err != nil {
		tb.Fatalf("connect to the private bus: %v", err)
	}
	tb.Cleanup(func() { conn.Close() })
	return conn
}

// Registration is one RegisterStatusNotifierItem call.
type Registration struct {
	// Sender is the unique bus name of the registering connection.
	Sender string
	// Service is the argument as given: a bus name or an object path.
	Service string
}

// Item returns the bus name and object path of the registered item: the
// spec lets the argument be either, the other half is implied.
func (r Registration) Item() (string, dbus.ObjectPath) {
	if strings.HasPrefix(r.Service, "/") {
		return r.Sender, dbus.ObjectPath(r.Service)
	}
	return r.Service, "/StatusNotifierItem"
}

// Watcher is a stand-in org.kde.StatusNotifierWatcher.
type Watcher struct {
	conn  *dbus.Conn
	props *prop.Properties
	mu    sync.Mutex
	regs  []Registration
	added chan Registration
}

const (
	watcherName  = "org.kde.StatusNotifierWatcher"
	watcherPath  = "/StatusNotifierWatcher"
	watcherIface = "org.kde.StatusNotifierWatcher"
)

// StartWatcher connects to the bus at addr and owns the watcher's name
// until the test ends.
func StartWatcher(tb testing.TB, addr string) *Watcher {
	tb.Helper()
	w := &Watcher{conn: Connect(tb, addr), added: make(chan Registration, 16)}
	if err := w.conn.ExportMethodTable(map[string]any{
		"RegisterStatusNotifierItem": w.registerItem,
		"RegisterStatusNotifierHost": func(string) *dbus.Error { return nil },
	}, watcherPath, watcherIface); err != nil {
		tb.Fatal(err)
	}
	props, err := prop.Export(w.conn, watcherPath, prop.Map{watcherIface: {
		"RegisteredStatusNotifierItems":  {Value: []string{}, Emit: prop.EmitTrue},
		"IsStatusNotifierHostRegistered": {Value: true, Emit: prop.EmitTrue},
		"ProtocolVersion":                {Value: int32(0), Emit: prop.EmitTrue},
	}})
	if err != nil {
		tb.Fatal(err)
	}
	w.props = props
	reply, err := w.conn.RequestName(watcherName, dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		tb.Fatalf("own %s: reply %v, %v", watcherName, reply, err)
	}
	return w
}

func (w *Watcher) registerItem(sender dbus.Sender, service string) *dbus.Error {
	r := Registration{Sender: string(sender), Service: service}
	w.mu.Lock()
	w.regs = append(w.regs, r)
	names := make([]string, 0, len(w.regs))
	for _, r := range w.regs {
		name, path := r.Item()
		names = append(names, name+string(path))
	}
	w.mu.Unlock()
	w.props.SetMust(watcherIface, "RegisteredStatusNotifierItems", names)
	_ = w.conn.Emit(watcherPath, watcherIface+".StatusNotifierItemRegistered", service)
	select {
	case w.added <- r:
	default:
	}
	return nil
}

// Registrations returns every registration so far.
func (w *Watcher) Registrations() []Registration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]Registration(nil), w.regs...)
}

// WaitRegistration returns the next registration, or fails the test after
// timeout.
func (w *Watcher) WaitRegistration(tb testing.TB, timeout time.Duration) Registration {
	tb.Helper()
	select {
	case r := <-w.added:
		return r
	case <-time.After(timeout):
		tb.Fatalf("no StatusNotifierItem registered within %s", timeout)
		return Registration{}
	}
}

// MenuItem is one entry of a dbusmenu layout.
type MenuItem struct {
	ID       int32
	Label    string
	Type     string // "separator" or ""
	Enabled  bool
	Visible  bool
	Children []MenuItem
}

// Menu reads a StatusNotifierItem's menu as a panel does: the Menu
// property, then com.canonical.dbusmenu.GetLayout of the whole tree.
func Menu(ctx context.Context, conn *dbus.Conn, r Registration) (revision uint32, items []MenuItem, err error) {
	name, path := r.Item()
	v, err := conn.Object(name, path).GetProperty("org.kde.StatusNotifierItem.Menu")
	if err != nil {
		return 0, nil, fmt.Errorf("read the item's Menu property: %w", err)
	}
	menuPath, ok := v.Value().(dbus.ObjectPath)
	if !ok {
		return 0, nil, fmt.Errorf("the item's Menu property is %T, not an object path", v.Value())
	}
	var root struct {
		ID       int32
		Props    map[string]dbus.Variant
		Children []dbus.Variant
	}
	call := conn.Object(name, menuPath).CallWithContext(ctx, "com.canonical.dbusmenu.GetLayout", 0, int32(0), int32(-1), []string{})
	if err := call.Store(&revision, &root); err != nil {
		return 0, nil, fmt.Errorf("GetLayout: %w", err)
	}
	items, err = children(root.Children)
	return revision, items, err
}

// Click sends the "clicked" event for a menu item, as a panel does,
// without waiting for a reply: an app may well exit on Quit before it
// answers.
func Click(ctx context.Context, conn *dbus.Conn, r Registration, id int32) error {
	name, path := r.Item()
	v, err := conn.Object(name, path).GetProperty("org.kde.StatusNotifierItem.Menu")
	if err != nil {
		return err
	}
	menuPath, _ := v.Value().(dbus.ObjectPath)
	return conn.Object(name, menuPath).CallWithContext(ctx, "com.canonical.dbusmenu.Event", dbus.FlagNoReplyExpected,
		id, "clicked", dbus.MakeVariant(""), uint32(time.Now().Unix())).Err
}

func children(vs []dbus.Variant) ([]MenuItem, error) {
	var out []MenuItem
	for _, v := range vs {
		fields, ok := v.Value().([]any)
		if !ok || len(fields) != 3 {
			return nil, fmt.Errorf("menu entry is %T, not (ia{sv}av)", v.Value())
		}
		id, _ := fields[0].(int32)
		props, _ := fields[1].(map[string]dbus.Variant)
		kids, _ := fields[2].([]dbus.Variant)
		it := MenuItem{ID: id, Enabled: true, Visible: true}
		if p, ok := props["label"]; ok {
			it.Label, _ = p.Value().(string)
		}
		if p, ok := props["type"]; ok {
			it.Type, _ = p.Value().(string)
		}
		if p, ok := props["enabled"]; ok {
			it.Enabled, _ = p.Value().(bool)
		}
		if p, ok := props["visible"]; ok {
			it.Visible, _ = p.Value().(bool)
		}
		var err error
		if it.Children, err = children(kids); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, nil
}

// Tooltip reads the title of a StatusNotifierItem's ToolTip property.
func Tooltip(conn *dbus.Conn, r Registration) (string, error) {
	name, path := r.Item()
	v, err := conn.Object(name, path).GetProperty("org.kde.StatusNotifierItem.ToolTip")
	if err != nil {
		return "", err
	}
	fields, ok := v.Value().([]any)
	if !ok || len(fields) != 4 {
		return "", fmt.Errorf("ToolTip is %T, not (sa(iiay)ss)", v.Value())
	}
	s, _ := fields[2].(string)
	return s, nil
}

// IconPixmap reads the size of the first image of the item's IconPixmap.
func IconPixmap(conn *dbus.Conn, r Registration) (w, h int32, data []byte, err error) {
	name, path := r.Item()
	v, err := conn.Object(name, path).GetProperty("org.kde.StatusNotifierItem.IconPixmap")
	if err != nil {
		return 0, 0, nil, err
	}
	var px []struct {
		W, H int32
		Pix  []byte
	}
	if err := dbus.Store([]any{v.Value()}, &px); err != nil {
		return 0, 0, nil, fmt.Errorf("IconPixmap: %w", err)
	}
	if len(px) == 0 {
		return 0, 0, nil, nil
	}
	return px[0].W, px[0].H, px[0].Pix, nil
}
