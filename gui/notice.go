package gui

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// PrefNoticePrefix begins the Preferences key under which a notice
// (Options.Notice) is remembered as shown; the rest is derived from its
// text, so a changed notice is said again.
const PrefNoticePrefix = "notice.shown."

// noticeKey is the Preferences key for notice text.
func noticeKey(text string) string {
	sum := sha256.Sum256([]byte(text))
	return PrefNoticePrefix + hex.EncodeToString(sum[:8])
}

// noticeCard is the one-time notice (Options.Notice) above the projects. It is not a
// dialog: it says something about the desktop, not about what the user is
// doing, so it should not stand in their way.
type noticeCard struct {
	text       string
	dismissBtn *widget.Button
	content    fyne.CanvasObject
}

// showNotice puts Options.Notice above the projects unless it was shown
// before, and remembers it as shown at once: a person who closes the
// window without pressing Dismiss has seen it all the same.
func (w *MainWindow) showNotice() {
	text := w.opts.Notice
	if text == "" {
		return
	}
	prefs, key := w.app.Preferences(), noticeKey(text)
	if prefs.Bool(key) {
		return
	}
	prefs.SetBool(key, true)
	n := &noticeCard{text: text}
	n.dismissBtn = widget.NewButtonWithIcon("Dismiss", theme.CancelIcon(), func() { w.dismissNotice() })
	n.dismissBtn.Importance = widget.LowImportance
	n.content = newCard(theme.ColorNamePrimary, theme.InfoIcon(), "Good to know", text, n.dismissBtn)
	w.notice = n
	// Above the problem banners: it is said only this once, while they
	// stay until what they report is fixed.
	w.top.Objects = slices.Insert(w.top.Objects, 1, n.content)
	w.top.Refresh()
}

// dismissNotice takes the notice away.
func (w *MainWindow) dismissNotice() {
	if w.notice == nil {
		return
	}
	w.top.Objects = slices.DeleteFunc(w.top.Objects, func(o fyne.CanvasObject) bool { return o == w.notice.content })
	w.top.Refresh()
	w.notice = nil
}
