package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// consoleURL is where tokens are made.
const consoleURL = "https://console.hetzner.cloud/"

// emptyState is what the window shows before the first project: how to get
// a token, and the button to add it. Never a blank window.
type emptyState struct {
	onAdd     func()
	onImport  func() // nil: no import button
	addBtn    *widget.Button
	importBtn *widget.Button
	content   fyne.CanvasObject
}

func newEmptyState(onAdd, onImport func()) *emptyState {
	e := &emptyState{onAdd: onAdd, onImport: onImport}
	e.buildUI()
	return e
}

func (e *emptyState) buildUI() {
	title := widget.NewLabelWithStyle("Add your first Hetzner Cloud project", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	intro := newWrapped("CloudMoo watches each project's API token: whether it still works, what it may do, and how much of the hourly request budget is left. " +
		"Tokens are kept only in your system keychain.")
	steps := widget.NewRichTextFromMarkdown(
		"1. [Open the Hetzner Console](" + consoleURL + ") and choose the project.\n" +
			"2. Go to **Security › API Tokens** and press **Generate API Token**.\n" +
			"3. Give it a name such as \"CloudMoo\" and choose **Read**: monitoring needs nothing more.\n" +
			"4. Copy the token now: Hetzner shows it only once.\n" +
			"5. Press **Add project** below and paste it.\n")
	steps.Wrapping = fyne.TextWrapWord
	e.addBtn = widget.NewButtonWithIcon("Add project…", theme.ContentAddIcon(), e.onAdd)
	e.addBtn.Importance = widget.HighImportance
	buttons := container.NewHBox(e.addBtn)
	if e.onImport != nil {
		e.importBtn = widget.NewButtonWithIcon("Import from hcloud CLI…", theme.DownloadIcon(), e.onImport)
		buttons.Add(e.importBtn)
	}
	body := container.NewVBox(title, intro, steps, buttons)
	e.content = container.NewVScroll(container.NewPadded(body))
}
