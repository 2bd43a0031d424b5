// Command hellofyne is the floor `make bench` compares CloudMoo against: a
// bare Fyne window with one label, measured in the same run and the same
// X server.
package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := app.NewWithID("com.cloudmoo.hellofyne")
	w := a.NewWindow("HelloFyne")
	w.SetContent(widget.NewLabel("Hello Fyne"))
	w.Resize(fyne.NewSize(960, 600))
	w.ShowAndRun()
}
