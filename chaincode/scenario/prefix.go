package scenario

// Prefixed returns a copy of the fixture with every id — institutions,
// records and every reference between them — prefixed, so several variants
// of the region can live on one ledger without seeing each other (a real
// network is too slow to start afresh for each case).
func (f *Fixture) Prefixed(p string) *Fixture {
	id := func(s string) string { return p + s }
	ids := func(list []string) []string {
		out := make([]string, len(list))
		for i, s := range list {
			out[i] = id(s)
		}
		return out
	}
	g := &Fixture{Approvals: map[string][]string{}}
	for _, x := range f.Institutions {
		c := *x
		c.ID = id(c.ID)
		g.Institutions = append(g.Institutions, &c)
	}
	for _, x := range f.Capabilities {
		c := *x
		c.ID, c.InstitutionID = id(c.ID), id(c.InstitutionID)
		g.Capabilities = append(g.Capabilities, &c)
	}
	for _, x := range f.Standards {
		c := *x
		c.ID, c.InstitutionID = id(c.ID), id(c.InstitutionID)
		g.Standards = append(g.Standards, &c)
	}
	for _, x := range f.Instruments {
		c := *x
		c.ID, c.InstitutionID = id(c.ID), id(c.InstitutionID)
		g.Instruments = append(g.Instruments, &c)
	}
	for _, x := range f.Certificates {
		c := *x
		c.ID, c.IssuerID, c.SubjectID, c.ReferenceIDs = id(c.ID), id(c.IssuerID), id(c.SubjectID), ids(c.ReferenceIDs)
		g.Certificates = append(g.Certificates, &c)
	}
	for _, x := range f.Statuses {
		x.Standard = id(x.Standard)
		g.Statuses = append(g.Statuses, x)
	}
	for _, x := range f.Comparisons {
		c := *x
		c.ID, c.PilotID = id(c.ID), id(c.PilotID)
		c.Results = append(c.Results[:0:0], c.Results...)
		for i := range c.Results {
			c.Results[i].InstitutionID = id(c.Results[i].InstitutionID)
		}
		g.Comparisons = append(g.Comparisons, &c)
	}
	for _, x := range f.Agreements {
		c := *x
		c.ID, c.Parties = id(c.ID), ids(c.Parties)
		g.Agreements = append(g.Agreements, &c)
		g.Approvals[c.ID] = ids(f.Approvals[x.ID])
	}
	return g
}
