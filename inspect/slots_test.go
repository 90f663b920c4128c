package inspect

import (
	"bytes"
	"image"
	"image/png"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"skillcert"
)

// Finding 6: at most cap(DecodeSlots) images are decoded at once, however many callers there are. The
// decoder is replaced by one that holds every decode open until the test lets it go, and counts them.
func TestFinding6_DecodesWaitForASlot(t *testing.T) {
	savedSlots, savedDecode := DecodeSlots, decodePixels
	t.Cleanup(func() { DecodeSlots, decodePixels = savedSlots, savedDecode })
	const slots, callers = 2, 6
	DecodeSlots = make(chan struct{}, slots)
	var inFlight, most atomic.Int32
	entered, release := make(chan struct{}, callers), make(chan struct{})
	decodePixels = func([]byte, skillcert.FileKind) (image.Image, error) {
		n := inFlight.Add(1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		entered <- struct{}{}
		<-release
		inFlight.Add(-1)
		return image.NewGray(image.Rect(0, 0, 1, 1)), nil
	}
	data := encodeTestPNG(t)
	var wg sync.WaitGroup
	for range callers {
		wg.Go(func() {
			if _, err := DecodeImage(data, skillcert.KindPNG, skillcert.MaxScanPixels); err != nil {
				t.Error(err)
			}
		})
	}
	for range callers {
		<-entered // a decode started: let the callers that wait for a slot try their luck
		for range 1000 {
			runtime.Gosched()
		}
		if n := inFlight.Load(); n > slots {
			t.Fatalf("%d decodes at once with %d slots", n, slots)
		}
		release <- struct{}{}
	}
	wg.Wait()
	if most.Load() > slots {
		t.Errorf("%d decodes at once with %d slots", most.Load(), slots)
	}
}

// encodeTestPNG is a small valid PNG (only its header is read before the decoder runs).
func encodeTestPNG(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 400, 300))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
