package tray

import (
	"bytes"
	"encoding/binary"
	"image/png"
	"runtime"

	"github.com/cloudmoo/cloudmoo-desktop/assets"
)

// iconFor returns the tray icon of a state in the format the platform's
// tray takes: PNG on Linux and macOS, ICO on Windows.
func iconFor(s State) []byte {
	var b []byte
	switch s {
	case StateOK:
		b = assets.TrayOK
	case StateLow:
		b = assets.TrayLow
	case StateProblem:
		b = assets.TrayProblem
	default:
		b = assets.TrayUnknown
	}
	if runtime.GOOS == "windows" {
		return icoFromPNG(b)
	}
	return b
}

// icoFromPNG wraps a PNG in a one-image ICO file: Windows (Vista and later)
// reads PNG-compressed icon entries, and systray loads its icon with
// LoadImage, which takes ICO but not PNG.
func icoFromPNG(p []byte) []byte {
	cfg, err := png.DecodeConfig(bytes.NewReader(p))
	if err != nil {
		return p
	}
	dim := func(n int) byte {
		if n >= 256 {
			return 0 // 0 means 256 in an ICO directory
		}
		return byte(n)
	}
	var b bytes.Buffer
	hdr := struct {
		Reserved, Type, Count uint16
	}{0, 1, 1}
	entry := struct {
		Width, Height, Colors, Reserved uint8
		Planes, BitCount                uint16
		Size, Offset                    uint32
	}{dim(cfg.Width), dim(cfg.Height), 0, 0, 1, 32, uint32(len(p)), 6 + 16}
	_ = binary.Write(&b, binary.LittleEndian, hdr)
	_ = binary.Write(&b, binary.LittleEndian, entry)
	b.Write(p)
	return b.Bytes()
}
