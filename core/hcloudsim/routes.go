package hcloudsim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Pagination as Hetzner documents it: 25 per page unless asked, at most 50.
const (
	defaultPerPage = 25
	maxPerPage     = 50
)

// datacentersAnnouncement is where Hetzner announced the removal of
// /v1/datacenters, which is gone after 2026-10-01.
const datacentersAnnouncement = "https://docs.hetzner.cloud/changelog#2026-06-02-datacenters-deprecated"

// routeLocked answers an authenticated, permitted request.
func (s *Server) routeLocked(r *http.Request, body []byte, p *Project, now time.Time) *response {
	rest, ok := strings.CutPrefix(r.URL.Path, "/v1/")
	if !ok {
		return notFound("path " + r.URL.Path)
	}
	segs := strings.Split(strings.TrimSuffix(rest, "/"), "/")
	if segs[0] == "datacenters" {
		return errorResponse(http.StatusGone, codeDeprecatedAPI,
			"the datacenters endpoint was removed, use locations instead",
			map[string]string{"announcement": datacentersAnnouncement})
	}
	var items []*resource
	if kindInfo(Kind(segs[0])) != nil {
		items = p.res[Kind(segs[0])]
	} else if cat, ok := s.catalog[segs[0]]; ok {
		items = cat
	} else {
		return notFound("path " + r.URL.Path)
	}
	single := singular(segs[0])

	switch {
	case len(segs) == 1 && isRead(r.Method):
		return listResponse(segs[0], items, r.URL.Query())
	case len(segs) == 1 && r.Method == http.MethodPost && segs[0] == string(KindSSHKeys):
		return p.createSSHKeyLocked(body, now)
	case len(segs) == 2 && isRead(r.Method):
		if res := findByID(items, segs[1]); res != nil {
			return jsonResponse(http.StatusOK, map[string]any{single: res.fields})
		}
		return notFound(single + " with ID " + strconv.Quote(segs[1]))
	case len(segs) == 2 && r.Method == http.MethodDelete && segs[0] == string(KindSSHKeys):
		return p.deleteLocked(KindSSHKeys, segs[1])
	}
	return errorResponse(http.StatusNotFound, codeNotFound, "hcloudsim does not implement "+r.Method+" "+r.URL.Path+
		": only GET on lists and items, POST /v1/ssh_keys and DELETE /v1/ssh_keys/{id}", nil)
}

// listResponse pages items as Hetzner does, with the name filter hcloud-go's
// GetByName relies on.
func listResponse(key string, items []*resource, q url.Values) *response {
	var bad []fieldError
	page, perPage := 1, defaultPerPage
	for _, p := range []struct {
		name string
		dst  *int
	}{{"page", &page}, {"per_page", &perPage}} {
		if v := q.Get(p.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				bad = append(bad, fieldError{Name: p.name, Messages: []string{"Must be a whole number of at least 1."}})
				continue
			}
			*p.dst = n
		}
	}
	if bad != nil {
		return invalidInput(bad)
	}
	perPage = min(perPage, maxPerPage)

	if name := q.Get("name"); name != "" {
		var match []*resource
		for _, r := range items {
			if r.name == name {
				match = append(match, r)
			}
		}
		items = match
	}
	total := len(items)
	last := max(1, (total+perPage-1)/perPage)
	lo := min(total, (page-1)*perPage)
	hi := min(total, lo+perPage)

	list := make([]map[string]any, 0, hi-lo)
	for _, r := range items[lo:hi] {
		list = append(list, r.fields)
	}
	pagination := map[string]any{
		"page": page, "per_page": perPage, "previous_page": nil, "next_page": nil,
		"last_page": last, "total_entries": total,
	}
	if page > 1 {
		pagination["previous_page"] = min(page-1, last)
	}
	if page < last {
		pagination["next_page"] = page + 1
	}
	return jsonResponse(http.StatusOK, map[string]any{key: list, "meta": map[string]any{"pagination": pagination}})
}

func findByID(items []*resource, idText string) *resource {
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		return nil
	}
	for _, r := range items {
		if r.id == id {
			return r
		}
	}
	return nil
}

// sshKeyCreate is POST /v1/ssh_keys's body. Pointers tell a missing field
// from an empty one.
type sshKeyCreate struct {
	Name      *string           `json:"name"`
	PublicKey *string           `json:"public_key"`
	Labels    map[string]string `json:"labels"`
}

// createSSHKeyLocked validates like Hetzner: syntax, then required fields,
// then uniqueness of name and key.
func (p *Project) createSSHKeyLocked(body []byte, now time.Time) *response {
	var in sshKeyCreate
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&in); err != nil {
		return errorResponse(http.StatusBadRequest, codeJSONError,
			"request body is not valid JSON: "+err.Error(), nil)
	}
	var bad []fieldError
	for _, f := range []struct {
		name string
		val  *string
	}{{"name", in.Name}, {"public_key", in.PublicKey}} {
		switch {
		case f.val == nil:
			bad = append(bad, fieldError{Name: f.name, Messages: []string{"Missing data for required field."}})
		case strings.TrimSpace(*f.val) == "":
			bad = append(bad, fieldError{Name: f.name, Messages: []string{"Shorter than minimum length 1."}})
		}
	}
	if bad == nil && !plausiblePublicKey(*in.PublicKey) {
		bad = append(bad, fieldError{Name: "public_key", Messages: []string{"invalid public key"}})
	}
	if bad != nil {
		return invalidInput(bad)
	}
	if p.findByNameLocked(KindSSHKeys, *in.Name) != nil {
		return errorResponse(http.StatusConflict, codeUniquenessError, "SSH key with the same name already exists", nil)
	}
	fp := fingerprint(*in.PublicKey)
	for _, r := range p.res[KindSSHKeys] {
		if r.fields["fingerprint"] == fp {
			return errorResponse(http.StatusConflict, codeUniquenessError, "SSH key with the same fingerprint already exists", nil)
		}
	}
	r := p.s.newSSHKeyLocked(*in.Name, *in.PublicKey, in.Labels, now)
	p.res[KindSSHKeys] = append(p.res[KindSSHKeys], r)
	resp := jsonResponse(http.StatusCreated, map[string]any{"ssh_key": r.fields})
	resp.mutation = true
	return resp
}

func (p *Project) deleteLocked(kind Kind, idText string) *response {
	items := p.res[kind]
	r := findByID(items, idText)
	if r == nil {
		return notFound(singular(string(kind)) + " with ID " + strconv.Quote(idText))
	}
	out := make([]*resource, 0, len(items)-1)
	for _, it := range items {
		if it != r {
			out = append(out, it)
		}
	}
	p.res[kind] = out
	return &response{status: http.StatusNoContent, mutation: true}
}

// plausiblePublicKey accepts "<type> <base64> [comment]" for the key types
// Hetzner accepts; it does not parse the key, which the app never relies on.
func plausiblePublicKey(k string) bool {
	fields := strings.Fields(k)
	if len(fields) < 2 {
		return false
	}
	switch {
	case fields[0] == "ssh-ed25519", fields[0] == "ssh-rsa", strings.HasPrefix(fields[0], "ecdsa-sha2-"),
		strings.HasPrefix(fields[0], "sk-"):
		return true
	}
	return false
}
