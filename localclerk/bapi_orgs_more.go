package localclerk

import (
	"encoding/json"
	"net/http"
)

// More organization operations: replacing an organization's metadata,
// merging a membership's metadata, and every membership of the instance.

func (inst *Instance) bapiReplaceOrgMetadata(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		PublicMetadata  json.RawMessage `json:"public_metadata"`
		PrivateMetadata json.RawMessage `json:"private_metadata"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	if err := checkMetadata("public_metadata", p.PublicMetadata); err != nil {
		return nil, 0, err
	}
	if err := checkMetadata("private_metadata", p.PrivateMetadata); err != nil {
		return nil, 0, err
	}
	var o *organization
	err := inst.store.update(r.Context(), func(t *txn) error {
		var err error
		if o, err = orgByIDOrSlug(t, r.PathValue("id")); err != nil {
			return notFoundAs(err, "organization")
		}
		// A field the body sends (null empties it) replaces the stored one whole.
		if p.PublicMetadata != nil {
			o.PublicMeta = rawOrEmpty(p.PublicMetadata)
		}
		if p.PrivateMetadata != nil {
			o.PrivateMeta = rawOrEmpty(p.PrivateMetadata)
		}
		o.UpdatedAt = ms(inst.now())
		t.emit("organization.updated", orgJSON(o, nil))
		return t.put(kindOrg, o.ID, o)
	})
	if err != nil {
		return nil, 0, err
	}
	return orgJSON(o, nil), 0, nil
}

func (inst *Instance) bapiMembershipMetadata(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		PublicMetadata  json.RawMessage `json:"public_metadata"`
		PrivateMetadata json.RawMessage `json:"private_metadata"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	var out map[string]any
	err := inst.store.update(r.Context(), func(t *txn) error {
		m, err := membershipFor(t, r.PathValue("id"), r.PathValue("uid"))
		if err != nil {
			return err
		}
		if err := mergeMetadataFields(metadataPatch{"public_metadata", p.PublicMetadata, &m.PublicMeta}, metadataPatch{"private_metadata", p.PrivateMetadata, &m.PrivateMeta}); err != nil {
			return err
		}
		m.UpdatedAt = ms(inst.now())
		if err := t.put(kindMembership, m.ID, m); err != nil {
			return err
		}
		if out, err = membershipJSON(t, m); err != nil {
			return err
		}
		t.emit("organizationMembership.updated", out)
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return out, 0, nil
}

// bapiInstanceMemberships lists the memberships of every organization,
// with the same filters, ordering and paging as one organization's list.
func (inst *Instance) bapiInstanceMemberships(w http.ResponseWriter, r *http.Request) (any, int, error) {
	return inst.listMemberships(r, func(t *txn) ([]*membership, error) {
		return all[membership](t, kindMembership)
	})
}
