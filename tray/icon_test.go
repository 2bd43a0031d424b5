package tray

import (
	"bytes"
	"encoding/binary"
	"image/png"
	"testing"

	"github.com/cloudmoo/cloudmoo-desktop/assets"
)

func TestIconsAreDistinctPNGs(t *testing.T) {
	seen := map[string]State{}
	for _, s := range []State{StateOK, StateUnknown, StateLow, StateProblem} {
		b := iconFor(s)
		if _, err := png.DecodeConfig(bytes.NewReader(b)); err != nil {
			t.Fatalf("%v icon is not a PNG: %v", s, err)
		}
		if prev, dup := seen[string(b)]; dup {
			t.Fatalf("%v and %v share an icon", s, prev)
		}
		seen[string(b)] = s
	}
}

func TestICOFromPNG(t *testing.T) {
	ico := icoFromPNG(assets.TrayOK)
	var hdr struct{ Reserved, Type, Count uint16 }
	var entry struct {
		Width, Height, Colors, Reserved uint8
		Planes, BitCount                uint16
		Size, Offset                    uint32
	}
	r := bytes.NewReader(ico)
	if err := binary.Read(r, binary.LittleEndian, &hdr); err != nil {
		t.Fatal(err)
	}
	if err := binary.Read(r, binary.LittleEndian, &entry); err != nil {
		t.Fatal(err)
	}
	if hdr != (struct{ Reserved, Type, Count uint16 }{0, 1, 1}) || entry.Width != 64 || entry.Height != 64 || entry.BitCount != 32 {
		t.Fatalf("header %+v entry %+v", hdr, entry)
	}
	if int(entry.Offset) != 22 || int(entry.Size) != len(assets.TrayOK) || !bytes.Equal(ico[entry.Offset:], assets.TrayOK) {
		t.Fatal("the PNG is not stored whole after the directory")
	}
}
