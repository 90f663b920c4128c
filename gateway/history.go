package gateway

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/gofiber/fiber/v2"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/proxy"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/encoding/protojson"

	"skillcert"
	"skillcert/workflows"
)

// The workflow event history, for admins: every event as protojson (proto field names), with each payload
// decrypted by the gateway's codec and shown as its value (a JSON payload becomes that JSON).

// maxHistoryEvents bounds the answer; an application's workflow has far fewer events.
const maxHistoryEvents = 10000

// payloadCodec returns the codec of the data converter, or nil when it has none.
func payloadCodec(dc converter.DataConverter) converter.PayloadCodec {
	if c, ok := dc.(interface{ Codec() converter.PayloadCodec }); ok {
		return c.Codec()
	}
	return nil
}

// decodePayloads decrypts every payload of ev in place. A payload the codec cannot decode (a retired key)
// is left as it is.
func decodePayloads(ctx context.Context, ev *historypb.HistoryEvent, codec converter.PayloadCodec) error {
	if codec == nil {
		return nil
	}
	return proxy.VisitPayloads(ctx, ev, proxy.VisitPayloadsOptions{
		Visitor: func(_ *proxy.VisitPayloadsContext, ps []*commonpb.Payload) ([]*commonpb.Payload, error) {
			out := make([]*commonpb.Payload, len(ps))
			for i, p := range ps {
				out[i] = p
				if d, err := codec.Decode([]*commonpb.Payload{p}); err == nil && len(d) == 1 {
					out[i] = d[0]
				}
			}
			return out, nil
		},
	})
}

var historyJSON = protojson.MarshalOptions{UseProtoNames: true}

// renderEvent returns ev as JSON with its payloads decoded and shown as values.
func renderEvent(ctx context.Context, ev *historypb.HistoryEvent, codec converter.PayloadCodec) (json.RawMessage, error) {
	if err := decodePayloads(ctx, ev, codec); err != nil {
		return nil, fmt.Errorf("decode payloads of event %d: %w", ev.GetEventId(), err)
	}
	raw, err := historyJSON.Marshal(ev)
	if err != nil {
		return nil, fmt.Errorf("encode event %d: %w", ev.GetEventId(), err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return nil, fmt.Errorf("read event %d: %w", ev.GetEventId(), err)
	}
	out, err := json.Marshal(showPayloads(tree))
	if err != nil {
		return nil, fmt.Errorf("encode event %d: %w", ev.GetEventId(), err)
	}
	return out, nil
}

// showPayloads replaces every payload object ({"metadata": {"encoding": …}, "data": …}) in a protojson tree
// by its value.
func showPayloads(v any) any {
	switch t := v.(type) {
	case map[string]any:
		if shown, ok := payloadValue(t); ok {
			return shown
		}
		for k, child := range t {
			t[k] = showPayloads(child)
		}
	case []any:
		for i, child := range t {
			t[i] = showPayloads(child)
		}
	}
	return v
}

// b64 decodes a protojson bytes field (standard base64, URL-safe accepted).
func b64(v any) ([]byte, bool) {
	s, ok := v.(string)
	if !ok {
		return nil, false
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		b, err = base64.URLEncoding.DecodeString(s)
	}
	return b, err == nil
}

// payloadValue reads m as a payload: JSON payloads become their value, null payloads nil; other encodings
// stay as {encoding, data} (data in base64), encrypted ones the codec could not open are marked.
func payloadValue(m map[string]any) (any, bool) {
	meta, ok := m["metadata"].(map[string]any)
	if !ok {
		return nil, false
	}
	for k := range m {
		if k != "metadata" && k != "data" && k != "external_payloads" {
			return nil, false
		}
	}
	enc, ok := b64(meta["encoding"])
	if !ok {
		return nil, false
	}
	data, _ := b64(m["data"])
	switch string(enc) {
	case converter.MetadataEncodingJSON, converter.MetadataEncodingProtoJSON:
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err == nil {
			return v, true
		}
		return string(data), true
	case converter.MetadataEncodingNil:
		return nil, true
	case "binary/encrypted":
		return map[string]any{"encoding": string(enc), "undecodable": true}, true
	}
	return map[string]any{"encoding": string(enc), "data": m["data"]}, true
}

// workflowHistory answers the application's workflow history with decoded payloads (admins only: the
// payloads hold personal data).
func (a *app) workflowHistory(c *fiber.Ctx) error {
	row, err := a.loadScopedApplication(c, c.Params("id"))
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	wid := workflows.WorkflowID(row.ID)
	codec := payloadCodec(a.dataConverter)
	out := historyResponse{ApplicationID: row.ID, WorkflowID: wid, Events: []json.RawMessage{}}
	it := a.temporal.GetWorkflowHistory(ctx, wid, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		if len(out.Events) == maxHistoryEvents {
			out.Truncated = true
			break
		}
		ev, err := it.Next()
		var notFound *serviceerror.NotFound
		if errors.As(err, &notFound) {
			return skillcert.Errorf(skillcert.ENOTFOUND, "未找到该申报的流程历史")
		}
		if err != nil {
			return fmt.Errorf("read history of %s: %w", wid, err)
		}
		b, err := renderEvent(ctx, ev, codec)
		if err != nil {
			return err
		}
		out.Events = append(out.Events, b)
	}
	return c.JSON(out)
}
