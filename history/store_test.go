package history

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func TestCreateAssignsFields(t *testing.T) {
	s := openTestStore(t)
	j := job("sora-2-official", "a cat", "")
	if err := s.Create(j); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[0-9a-z]{13}$`).MatchString(j.ID) {
		t.Errorf("ID = %q, want 13 lowercase base32 characters", j.ID)
	}
	if j.Status != StatusSubmitting || j.Schema != SchemaVersion || j.CreatedAt.IsZero() || !j.UpdatedAt.Equal(j.CreatedAt) {
		t.Errorf("Create left %+v", j)
	}
	if len(j.StatusHistory) != 1 || j.StatusHistory[0].Status != StatusSubmitting || !j.StatusHistory[0].At.Equal(j.CreatedAt) {
		t.Errorf("StatusHistory = %+v", j.StatusHistory)
	}
	got, err := s.Get(j.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != j.ID || got.Prompt != "a cat" || !got.CreatedAt.Equal(j.CreatedAt) || got.Status != StatusSubmitting {
		t.Errorf("Get = %+v, want %+v", got, j)
	}

	// Ids are time-ordered and unique even within one group.
	group := mustCreate(t, s, job("m", "1", ""), job("m", "2", ""), job("m", "3", ""))
	seen := map[string]bool{j.ID: true}
	for _, g := range group {
		if seen[g.ID] {
			t.Errorf("duplicate id %s", g.ID)
		}
		seen[g.ID] = true
		if g.ID[:8] < j.ID[:8] {
			t.Errorf("id %s of a later job sorts before %s", g.ID, j.ID)
		}
	}
}

func TestCreateRefusesDuplicatesAndInvalidJobs(t *testing.T) {
	s := openTestStore(t)
	first := &Job{ID: "job1", TaskID: "task1", Model: "m", Status: StatusRunning}
	mustCreate(t, s, first)
	tests := []struct {
		name string
		js   []*Job
		want error
	}{
		{"same id", []*Job{{ID: "job1", Model: "m"}}, ErrExists},
		{"same task id", []*Job{{ID: "job2", TaskID: "task1", Model: "m"}}, ErrExists},
		{"same id twice in a group", []*Job{{ID: "job3"}, {ID: "job3"}}, ErrExists},
		{"unknown status", []*Job{{Status: "queued"}}, ErrInvalid},
		{"id with a space", []*Job{{ID: "a b"}}, ErrInvalid},
		{"control character in model", []*Job{{Model: "m\x00"}}, ErrInvalid},
		{"a bad job fails the whole group", []*Job{{ID: "ok1"}, {Status: "bogus"}}, ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := s.Stamp()
			err := s.CreateGroup(tt.js)
			if !errors.Is(err, tt.want) {
				t.Fatalf("CreateGroup = %v, want %v", err, tt.want)
			}
			if after, _ := s.Stamp(); after != before {
				t.Errorf("stamp moved from %+v to %+v: something was written", before, after)
			}
			if tt.js[0].ID == "" && tt.js[0].CreatedAt != (time.Time{}) {
				t.Errorf("failed Create changed the job: %+v", tt.js[0])
			}
		})
	}
	if got := mustList(t, s, Query{}); len(got) != 1 {
		t.Errorf("store holds %v, want only job1", ids(got))
	}
}

func TestFind(t *testing.T) {
	s := openTestStore(t)
	mustCreate(t, s,
		&Job{ID: "abcd1111", TaskID: "task-one"},
		&Job{ID: "abcd2222", TaskID: "task-two"},
		&Job{ID: "abce3333", TaskID: "abcd1111"}, // a task id equal to another job's id
		&Job{ID: "zzzz9999"},
	)
	tests := []struct {
		ref     string
		wantID  string
		wantErr error
	}{
		{"abcd1111", "abcd1111", nil}, // exact id wins over the equal task id
		{"task-two", "abcd2222", nil},
		{"abce", "abce3333", nil},
		{"zzzz", "zzzz9999", nil},
		{"abcd2", "abcd2222", nil},
		{"abcd", "", ErrAmbiguous},
		{"abc", "", ErrAmbiguous}, // any prefix that matches several is ambiguous
		{"z", "zzzz9999", nil},    // any unique prefix will do, however short
		{"task", "", ErrNotFound}, // no prefix matching on task ids
		{"nope", "", ErrNotFound},
		{"", "", ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			got, err := s.Find(tt.ref)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Find(%q) error = %v, want %v", tt.ref, err, tt.wantErr)
			}
			if got.ID != tt.wantID {
				t.Errorf("Find(%q) = %q, want %q", tt.ref, got.ID, tt.wantID)
			}
		})
	}
	var amb *AmbiguousError
	if _, err := s.Find("abcd"); !errors.As(err, &amb) || !slices.Equal(amb.IDs, []string{"abcd1111", "abcd2222"}) {
		t.Errorf("Find(abcd) = %v, want an AmbiguousError listing abcd1111 and abcd2222", err)
	}
	if j, err := s.ByTaskID("task-one"); err != nil || j.ID != "abcd1111" {
		t.Errorf("ByTaskID(task-one) = %q, %v", j.ID, err)
	}
	if _, err := s.ByTaskID("abcd2222"); !errors.Is(err, ErrNotFound) {
		t.Errorf("ByTaskID(local id) = %v, want ErrNotFound", err)
	}
	if _, err := s.Get("abcd"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get(prefix) = %v, want ErrNotFound", err)
	}
}

// indexState is what the indexes should answer after an update step.
type indexState struct {
	unfinished, running, finished, pro, proFinished []string
}

// updateStep is one Update call of TestUpdateKeepsIndexesRight and what the
// indexes answer after it.
type updateStep struct {
	name        string
	id          string
	fn          func(*Job) error
	want        indexState
	taskLookups map[string]string // task id → job id ("" = not found)
	wantErr     error
}

// updateSteps runs one, two and three through finishing, renaming and
// refused changes, in order.
func updateSteps(one, two, three *Job) []updateStep {
	// settled is the state once two has finished as pro and three runs.
	settled := indexState{
		unfinished:  []string{three.ID},
		running:     []string{three.ID},
		finished:    []string{two.ID, one.ID},
		pro:         []string{three.ID, two.ID},
		proFinished: []string{two.ID},
	}
	steps := []updateStep{
		{
			name: "one finishes",
			id:   one.ID,
			fn: func(j *Job) error {
				j.SetStatus(StatusFinished, "", testEpoch.Add(time.Hour))
				j.VideoURLs = []string{"https://example.com/v.mp4"}
				return nil
			},
			want: indexState{
				unfinished: []string{three.ID, two.ID},
				running:    []string{two.ID},
				finished:   []string{one.ID},
				pro:        []string{three.ID},
			},
		},
		{
			name: "three gets a task id and runs",
			id:   three.ID,
			fn: func(j *Job) error {
				j.TaskID = "task-3"
				j.SetStatus(StatusRunning, "", testEpoch.Add(time.Hour))
				return nil
			},
			want: indexState{
				unfinished: []string{three.ID, two.ID},
				running:    []string{three.ID, two.ID},
				finished:   []string{one.ID},
				pro:        []string{three.ID},
			},
			taskLookups: map[string]string{"task-3": three.ID},
		},
		{
			name: "two changes model and task id, then fails",
			id:   two.ID,
			fn: func(j *Job) error {
				j.Model = "sora-2-pro-official"
				j.TaskID = "task-2"
				j.SetStatus(StatusFinished, "", testEpoch.Add(time.Hour))
				return nil
			},
			want:        settled,
			taskLookups: map[string]string{"task-2": two.ID, "task-3": three.ID},
		},
		{
			name:        "three renames its task id",
			id:          three.ID,
			fn:          func(j *Job) error { j.TaskID = "task-3b"; return nil },
			want:        settled,
			taskLookups: map[string]string{"task-3": "", "task-3b": three.ID},
		},
	}
	return append(steps, refusedSteps(two, three, settled)...)
}

// refusedSteps are updates the store refuses; each leaves the indexes at
// settled.
func refusedSteps(two, three *Job, settled indexState) []updateStep {
	return []updateStep{
		{
			name: "an error from fn writes nothing",
			id:   three.ID,
			fn: func(j *Job) error {
				j.SetStatus(StatusFailed, "", testEpoch)
				return errBoom
			},
			wantErr: errBoom,
			want:    settled,
		},
		{
			name:        "taking another job's task id is refused",
			id:          three.ID,
			fn:          func(j *Job) error { j.TaskID = "task-2"; return nil },
			wantErr:     ErrExists,
			want:        settled,
			taskLookups: map[string]string{"task-2": two.ID, "task-3b": three.ID},
		},
		{
			name:    "changing the id is refused",
			id:      three.ID,
			fn:      func(j *Job) error { j.ID = "other"; return nil },
			wantErr: ErrInvalid,
			want:    settled,
		},
		{
			name:    "unknown id",
			id:      "missing",
			fn:      func(*Job) error { return nil },
			wantErr: ErrNotFound,
			want:    settled,
		},
	}
}

func TestUpdateKeepsIndexesRight(t *testing.T) {
	s := openTestStore(t)
	// One at a time, so each gets its own created_at.
	one := mustCreate(t, s, job("sora-2-official", "one", StatusRunning))[0]
	two := mustCreate(t, s, job("sora-2-official", "two", StatusRunning))[0]
	three := mustCreate(t, s, job("sora-2-pro-official", "three", StatusSubmitting))[0]

	for _, st := range updateSteps(one, two, three) {
		t.Run(st.name, func(t *testing.T) {
			got, err := s.Update(st.id, st.fn)
			if !errors.Is(err, st.wantErr) {
				t.Fatalf("Update = %v, want %v", err, st.wantErr)
			}
			if err == nil {
				stored, _ := s.Get(st.id)
				if stored.UpdatedAt != got.UpdatedAt || stored.Status != got.Status || !stored.UpdatedAt.After(stored.CreatedAt) {
					t.Errorf("Update returned %+v, stored %+v", got, stored)
				}
			}
			checkIndexes(t, s, st.want)
			for task, want := range st.taskLookups {
				j, err := s.ByTaskID(task)
				if want == "" && !errors.Is(err, ErrNotFound) || want != "" && j.ID != want {
					t.Errorf("ByTaskID(%s) = %q, %v; want %q", task, j.ID, err, want)
				}
			}
		})
	}
}

// checkIndexes compares what each index of s answers with want.
func checkIndexes(t *testing.T, s *Store, want indexState) {
	t.Helper()
	unfinished, err := s.Unfinished()
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, got []Job, want []string) {
		t.Helper()
		if !slices.Equal(ids(got), want) && !(len(got) == 0 && len(want) == 0) {
			t.Errorf("%s = %v, want %v", what, ids(got), want)
		}
	}
	check("Unfinished", unfinished, want.unfinished)
	check("running", mustList(t, s, Query{Statuses: []Status{StatusRunning}}), want.running)
	check("finished", mustList(t, s, Query{Statuses: []Status{StatusFinished}}), want.finished)
	check("pro", mustList(t, s, Query{Model: "sora-2-pro-official"}), want.pro)
	check("pro finished", mustList(t, s, Query{Model: "sora-2-pro-official", Statuses: []Status{StatusFinished}}), want.proFinished)
}

var errBoom = errors.New("boom")

func TestDelete(t *testing.T) {
	s := openTestStore(t)
	js := mustCreate(t, s,
		&Job{TaskID: "t1", Model: "m", Status: StatusRunning},
		&Job{TaskID: "t2", Model: "m", Status: StatusFinished},
		&Job{Model: "m", Status: StatusRunning},
	)
	n, err := s.Delete(js[0].ID, js[1].ID, "missing", js[0].ID)
	if err != nil || n != 2 {
		t.Fatalf("Delete = %d, %v; want 2, nil", n, err)
	}
	for _, q := range []Query{{}, {Model: "m"}, {Statuses: []Status{StatusRunning, StatusFinished}}, {Model: "m", Statuses: []Status{StatusRunning}}} {
		if got := ids(mustList(t, s, q)); !slices.Equal(got, []string{js[2].ID}) {
			t.Errorf("List(%+v) after delete = %v, want only %s", q, got, js[2].ID)
		}
	}
	if _, err := s.ByTaskID("t1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("task index still finds a deleted job: %v", err)
	}
	if _, err := s.Get(js[1].ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get(deleted) = %v", err)
	}
	if st, _ := s.Stamp(); st.Count != 1 {
		t.Errorf("Stamp().Count = %d, want 1", st.Count)
	}
	// The task id is free again.
	mustCreate(t, s, &Job{TaskID: "t1"})
}

func TestStampMovesOnEveryWrite(t *testing.T) {
	s := openTestStore(t)
	prev, err := s.Stamp()
	if err != nil {
		t.Fatal(err)
	}
	var id string
	writes := []struct {
		name  string
		write func() error
		count int
	}{
		{"create", func() error { j := &Job{}; err := s.Create(j); id = j.ID; return err }, 1},
		{"update", func() error { _, err := s.Update(id, func(j *Job) error { j.Prompt = "x"; return nil }); return err }, 1},
		{"import", func() error {
			_, err := s.Import(strings.NewReader(`{"created_at":"2020-01-01T00:00:00Z","status":"finished"}`))
			return err
		}, 2},
		{"delete", func() error { _, err := s.Delete(id); return err }, 1},
	}
	for _, w := range writes {
		if err := w.write(); err != nil {
			t.Fatalf("%s: %v", w.name, err)
		}
		st, err := s.Stamp()
		if err != nil {
			t.Fatal(err)
		}
		if st == prev || st.Count != w.count {
			t.Errorf("after %s: stamp %+v (before %+v), want a change and count %d", w.name, st, prev, w.count)
		}
		prev = st
	}
	if _, err := s.List(Query{}); err != nil {
		t.Fatal(err)
	}
	if st, _ := s.Stamp(); st != prev {
		t.Errorf("a read moved the stamp from %+v to %+v", prev, st)
	}
}

func TestOpenMakesFileAndFolderPrivate(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a", "b", "history.db")
	openTestStoreAt(t, path, Options{})
	for _, c := range []struct {
		path string
		want os.FileMode
	}{
		{filepath.Join(dir, "a"), 0o700},
		{filepath.Join(dir, "a", "b"), 0o700},
		{path, 0o600},
	} {
		info, err := os.Stat(c.path)
		if err != nil {
			t.Fatal(err)
		}
		if got := info.Mode().Perm(); got != c.want {
			t.Errorf("%s has mode %o, want %o", c.path, got, c.want)
		}
	}

	// An existing file that others can read is tightened.
	loose := filepath.Join(dir, "loose.db")
	openTestStoreAt(t, loose, Options{})
	if err := os.Chmod(loose, 0o644); err != nil {
		t.Fatal(err)
	}
	openTestStoreAt(t, loose, Options{})
	if info, _ := os.Stat(loose); info.Mode().Perm() != 0o600 {
		t.Errorf("reopened file has mode %o, want 600", info.Mode().Perm())
	}
}

func TestOpenRefusesNewerSchemaAndOtherFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "history.db")
	openTestStoreAt(t, path, Options{})
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(keySchema, u64(SchemaVersion+1)) })
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	_, err = Open(path, Options{})
	if !errors.Is(err, ErrNewerSchema) || !strings.Contains(err.Error(), path) {
		t.Errorf("Open(newer schema) = %v, want ErrNewerSchema naming the file", err)
	}

	junk := filepath.Join(dir, "junk.db")
	if err := os.WriteFile(junk, []byte(strings.Repeat("not a database\n", 1000)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(junk, Options{}); err == nil || !strings.Contains(err.Error(), junk) {
		t.Errorf("Open(junk) = %v, want an error naming the file", err)
	}
}

func TestOpenKeepsExistingData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	s := openTestStoreAt(t, path, Options{})
	js := mustCreate(t, s, &Job{Prompt: "kept"})
	s2 := openTestStoreAt(t, path, Options{})
	if got, err := s2.Get(js[0].ID); err != nil || got.Prompt != "kept" {
		t.Errorf("after reopening: %+v, %v", got, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(js[0].ID); !errors.Is(err, os.ErrClosed) {
		t.Errorf("Get after Close = %v, want os.ErrClosed", err)
	}
}

func TestDefaultPath(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"SORATUI_DB wins", map[string]string{"SORATUI_DB": "/x/h.db", "XDG_DATA_HOME": "/data", "HOME": "/home/u"}, "/x/h.db"},
		{"XDG_DATA_HOME", map[string]string{"XDG_DATA_HOME": "/data", "HOME": "/home/u"}, "/data/soratui/history.db"},
		{"relative XDG_DATA_HOME is ignored", map[string]string{"XDG_DATA_HOME": "data", "HOME": "/home/u"}, "/home/u/.local/share/soratui/history.db"},
		{"home", map[string]string{"HOME": "/home/u"}, "/home/u/.local/share/soratui/history.db"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DefaultPath(func(k string) string { return tt.env[k] })
			if err != nil || got != filepath.FromSlash(tt.want) {
				t.Errorf("DefaultPath = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

// Short ids are the shortest prefixes no other job shares, at least the
// minimum long, and each one finds its job.
func TestShortIDsAreUniquePrefixes(t *testing.T) {
	s := openTestStore(t)
	base := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	var ids []string
	for i, at := range []time.Duration{0, time.Millisecond, time.Minute, 3 * time.Hour} {
		j := job("sora-2", "p", StatusSubmitting)
		j.ID = encodeID(base.Add(at), uint64(i))
		mustCreate(t, s, j)
		ids = append(ids, j.ID)
	}
	short, err := s.ShortIDs(append(ids, "zzzzzzzzzzzzz"), 7)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		p := short[id]
		if len(p) < 7 || !strings.HasPrefix(id, p) {
			t.Errorf("short id of %s = %q, want a prefix of 7 or more", id, p)
			continue
		}
		if j, err := s.Find(p); err != nil || j.ID != id {
			t.Errorf("Find(%q) = %s, %v; want %s", p, j.ID, err, id)
		}
	}
	if len(short[ids[0]]) < 10 || len(short[ids[3]]) != 7 {
		t.Errorf("a millisecond apart needs 10+ characters, hours apart 7: %q, %q", short[ids[0]], short[ids[3]])
	}
	if short["zzzzzzzzzzzzz"] != "zzzzzzzzzzzzz" {
		t.Errorf("an unknown id is cut: %q", short["zzzzzzzzzzzzz"])
	}
}
