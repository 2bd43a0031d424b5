package notify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/godbus/dbus/v5"
)

// The freedesktop.org Desktop Notifications service, as GNOME, KDE, Xfce,
// Cinnamon, MATE, dunst and mako provide it on the session bus.
const (
	notificationsName  = "org.freedesktop.Notifications"
	notificationsPath  = dbus.ObjectPath("/org/freedesktop/Notifications")
	notificationsIface = "org.freedesktop.Notifications"
)

// AppName and AppIcon are how notifications name CloudMoo: the icon is
// looked up in the icon theme, where packaging installs it, and the
// desktop-entry hint ties them to the app's settings on GNOME and KDE.
const (
	AppName = "CloudMoo"
	AppIcon = "com.cloudmoo.desktop"
)

// ErrNoSessionBus means there is no D-Bus session bus to send through; the
// desktop notifier never starts one.
var ErrNoSessionBus = errors.New("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set), so desktop notifications cannot be shown")

// desktop sends notifications to org.freedesktop.Notifications. It
// connects for each notification: they are rare, and a connection held
// for days would have to survive the session bus restarting.
type desktop struct {
	mu sync.Mutex
	// last holds each project's newest notification ID, so a new one
	// replaces it on screen instead of stacking ("back to normal" takes the
	// place of "rate limited").
	last map[string]uint32
}

var _ Notifier = (*desktop)(nil)

// NewDesktop returns a Notifier that shows notifications through the
// freedesktop.org Notifications service on the session bus (Linux and the
// BSDs). It never autolaunches a session bus.
func NewDesktop() Notifier { return &desktop{last: map[string]uint32{}} }

// Notify implements Notifier.
func (d *desktop) Notify(ctx context.Context, n Notification) error {
	conn, err := dbus.SessionBusPrivateNoAutoStartup(dbus.WithContext(ctx))
	if err != nil {
		return ErrNoSessionBus
	}
	defer conn.Close()
	if err := conn.Auth(nil); err != nil {
		return fmt.Errorf("cannot show a desktop notification: the session bus refused the connection: %w", err)
	}
	if err := conn.Hello(); err != nil {
		return fmt.Errorf("cannot show a desktop notification: the session bus refused the connection: %w", err)
	}
	obj := conn.Object(notificationsName, notificationsPath)

	body := n.Body
	var caps []string
	if err := obj.CallWithContext(ctx, notificationsIface+".GetCapabilities", 0).Store(&caps); err != nil {
		return fmt.Errorf("cannot show a desktop notification: no notification service answers on the session bus: %w", err)
	}
	if slices.Contains(caps, "body-markup") {
		body = escapeMarkup(body)
	}

	d.mu.Lock()
	replaces := d.last[n.ProjectID]
	d.mu.Unlock()
	hints := map[string]dbus.Variant{
		"desktop-entry": dbus.MakeVariant(AppIcon),
		"urgency":       dbus.MakeVariant(byte(1)), // normal
	}
	var id uint32
	err = obj.CallWithContext(ctx, notificationsIface+".Notify", 0,
		AppName, replaces, AppIcon, n.Summary, body, []string{}, hints, int32(-1)).Store(&id)
	if err != nil {
		return fmt.Errorf("cannot show a desktop notification: %w", err)
	}
	if n.ProjectID != "" {
		d.mu.Lock()
		d.last[n.ProjectID] = id
		d.mu.Unlock()
	}
	return nil
}

// escapeMarkup makes text safe where the server reads the body as markup:
// a project named "a<b" must show as such.
func escapeMarkup(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
