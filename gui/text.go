package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Label helpers. Setting a label's text re-measures and re-wraps it even
// when the text is the same, and the window redraws time-dependent text
// every second, so setText skips what would not change.

// setText sets l's text if it differs.
func setText(l *widget.Label, s string) {
	if l.Text != s {
		l.SetText(s)
	}
}

// newHint returns the wrapped label shown under a field.
func newHint() *widget.Label {
	l := widget.NewLabel("")
	l.Wrapping = fyne.TextWrapWord
	l.SizeName = theme.SizeNameCaptionText
	return l
}

// setHint shows text under a field, as an error or as help.
func setHint(l *widget.Label, text string, isError bool) {
	l.Importance = widget.MediumImportance
	if isError {
		l.Importance = widget.DangerImportance
	}
	l.Hidden = text == ""
	l.Text = text
	l.Refresh()
}

// newWrapped returns a label that wraps at word boundaries.
func newWrapped(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}
