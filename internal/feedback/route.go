// Package feedback turns citizens' Zalo messages into routed cases: the
// topic and the agency responsible read from what they typed (without
// diacritics, abbreviated, misspelt), the rules an admin sets, and what
// the office's reassignments taught; and the inbox of raw webhook events
// that makes a restart lose none.
package feedback

import (
	"math"
	"regexp"
	"sort"
	"strings"

	"github.com/vanthu/vanthu/internal/records"
	"github.com/vanthu/vanthu/internal/viet"
)

// Topic codes.
const (
	OutOfScope = "ngoai-pham-vi"
	StatusAsk  = "tra-cuu" // a question about a case already sent
)

// subject is a kind of request: its topic, the agency that handles it
// unless a rule says otherwise, and the phrases (folded, abbreviations
// spelt out) it is known by, with their weight.
type subject struct {
	name, topic, agency string
	phrases             map[string]float64
}

// Subjects are written from the administrative rules (who handles what
// in a Vietnamese city), not from the labelled messages.
var subjects = []subject{
	{"dat-dai", "dat-dai", "so-tnmt", merge(w(3, "so do", "so hong", "giay chung nhan quyen su dung", "quyen su dung dat", "thu hoi dat", "giai phong mat bang", "tach thua", "chuyen muc dich su dung",
		"ban do dia chinh", "tranh chap dat", "lan chiem dat", "ranh gioi dat", "dat nong nghiep", "dat o", "sang ten", "cap so", "dien tich dat", "boi thuong dat", "den bu dat"), w(2, "dat dai", "thua dat", "dia chinh", "den bu", "boi thuong", "lan dat", "manh dat", "lo dat", "mua dat", "ban dat", "qsdd", "gcn"), w(3, "do dac", "ranh gioi", "lan sang dat", "gia dat", "bang gia dat", "lam so", "mat so", "cap lai so", "quy hoach", "dat cong"))},
	{"xay-dung", "xay-dung", "so-xd", merge(w(3, "giay phep xay dung", "xay trai phep", "xay khong phep", "xay dung trai phep", "sai phep", "coi noi", "pha do", "trat tu xay dung", "xay lan"), w(2, "xay dung", "xay nha", "cong trinh", "dao mong", "vat lieu xay dung", "xa ban", "gian giao", "nut tuong", "lun nut", "chung cu", "ban quan ly chung cu", "sua nha", "gpxd", "do vat lieu"), w(3, "xay nha tren dat", "hoan cong", "so tang", "may tang", "lui vao", "chi gioi xay dung", "mat do xay dung", "ban ve", "duc tuong", "gac lung", "tuong chung", "nha xay"))},
	{"moi-truong", "moi-truong", "so-tnmt", merge(w(3, "thu gom rac", "o nhiem", "nuoc thai", "xa thai", "chat thai", "mui hoi", "hoi thoi", "dot rac", "bai rac", "ve sinh moi truong", "ca chet", "kenh den", "khoi bui", "boc mui"), w(2, "rac", "khoi", "bui", "moi truong", "xe rac", "cong ranh", "ranh nuoc", "tieng on nha may", "xuong"), w(2, "nha may", "tieng on", "phe lieu", "do bo", "thu gom"))},
	{"giao-thong", "giao-thong", "so-gtvt", merge(w(3, "den giao thong", "den tin hieu", "o ga", "ho ga", "ket xe", "un tac", "tac duong", "giay phep lai xe", "bang lai", "dang kiem", "bien so", "xe buyt", "phat nguoi",
		"vi pham giao thong", "bien bao", "lan chiem via he", "do xe", "dau xe", "duong xuong cap", "ngap duong", "duong ngap", "nga tu", "gplx", "xe bus"), w(1.5, "duong", "cau", "via he", "giao thong", "xe tai", "xe khach", "ngap"), w(3, "cau bo hanh", "lan can", "go giam toc", "giam toc", "ca vet", "dang ky xe", "xe may", "o to", "giay to xe"))},
	{"ho-tich", "ho-tich", "ubnd-phuong", merge(w(3, "khai sinh", "khai tu", "ket hon", "tinh trang hon nhan", "doc than", "chung thuc", "sao y", "trich luc", "ho tich", "cai chinh", "nhan con nuoi", "giam ho", "nhan cha con"), w(3, "chung tu", "giay chung tu", "ghi chu khai sinh", "xac nhan cu tru"))},
	{"cu-tru", "ho-tich", "cong-an", merge(w(3, "can cuoc", "cccd", "cmnd", "chung minh nhan dan", "tam tru", "thuong tru", "cu tru", "ho khau", "tam vang", "lam can cuoc", "cap doi can cuoc"), w(3, "the can cuoc", "lam cccd"))},
	{"an-ninh", "an-ninh", "cong-an", merge(w(3, "mat trom", "trom", "cuop", "danh nhau", "danh bac", "co bac", "so de", "karaoke", "ma tuy", "gay roi", "trat tu", "an ninh", "cho vay nang lai", "tin dung den",
		"lua dao", "dua xe", "boc dau", "tu tap", "giang ho", "cuop giat", "nhau nhet", "on ao", "ca do"), w(2, "tieng on"), w(3, "mo nhac", "nhac qua lon", "quan bar", "bay lac", "giat dien thoai", "cuop giat", "nguoi la", "trom cap", "tuan tra", "leo tuong", "trinh bao"))},
	{"y-te", "y-te", "so-yt", merge(w(3, "benh vien", "bac si", "kham benh", "vien phi", "nha thuoc", "an toan thuc pham", "ngo doc", "sot xuat huyet", "tiem chung", "vac xin", "tram y te", "cap cuu", "phong kham",
		"ve sinh thuc pham", "y ta", "dieu duong", "kham chua benh", "thuoc gia", "dich benh"), w(1.5, "thuoc", "benh", "y te", "dich", "bhyt"), w(3, "tay chan mieng", "khu khuan", "khong ro nguon goc", "nguon goc", "thuc pham", "do an", "tham my", "tiem filler", "co so tham my"))},
	{"giao-duc", "giao-duc", "so-gddt", merge(w(3, "tuyen sinh", "giao vien", "co giao", "thay giao", "hoc phi", "hoc them", "day them", "mam non", "nhap hoc", "diem thi", "ban tru", "quy phu huynh",
		"sach giao khoa", "lop 1", "lop 6", "lop 10", "phu huynh", "hieu truong"), w(2, "truong hoc", "truong tieu hoc", "truong thcs", "truong thpt", "nha truong", "chau di hoc", "con di hoc", "cong truong"))},
	{"dien", "dien-nuoc", "so-ct", merge(w(3, "mat dien", "cup dien", "cat dien", "tien dien", "hoa don dien", "cong to dien", "dien luc", "chap dien", "day dien", "tru dien", "dien ap", "dien yeu", "evn", "so dien"), w(3, "tru dien nghieng", "cot dien"))},
	{"nuoc", "dien-nuoc", "so-xd", merge(w(3, "mat nuoc", "cup nuoc", "nuoc sach", "nuoc may", "tien nuoc", "hoa don nuoc", "dong ho nuoc", "cap nuoc", "nuoc duc", "nuoc yeu", "ong nuoc", "vo ong", "cong ty nuoc", "nuoc co mui"), w(3, "dinh muc nuoc", "nuoc sinh hoat"))},
	{"kinh-doanh", "thue-kinh-doanh", "so-khdt", merge(w(3, "dang ky kinh doanh", "giay phep kinh doanh", "ho kinh doanh", "thanh lap cong ty", "thanh lap doanh nghiep", "ma so doanh nghiep", "giai the",
		"tam ngung kinh doanh", "thay doi dang ky", "dang ky doanh nghiep", "mo cong ty", "mo quan"), w(1.5, "kinh doanh", "doanh nghiep", "cong ty"), w(3, "dkdn", "giay chung nhan dang ky doanh nghiep", "tru so cong ty", "doi dia chi tru so"))},
	{"thue", "thue-kinh-doanh", "cuc-thue", merge(w(3, "ma so thue", "hoa don dien tu", "quyet toan thue", "thue thu nhap", "tncn", "nop thue", "hoan thue", "le phi truoc ba", "thue mon bai", "cuc thue", "chi cuc thue"), w(2, "thue", "hoa don"), w(3, "xuat hoa don", "giam tru gia canh", "thue gtgt", "thue tncn"))},
	{"lao-dong", "lao-dong-bhxh", "so-ldtbxh", merge(w(3, "no luong", "cham luong", "hop dong lao dong", "tro cap that nghiep", "that nghiep", "sa thai", "nguoi lao dong", "ho ngheo", "nguoi co cong", "thuong binh",
		"bao tro xa hoi", "khuyet tat", "xuat khau lao dong", "tai nan lao dong", "tro cap xa hoi", "cong nhan", "tien luong", "chu no luong", "nghi viec"), w(1.5, "tro cap", "luong", "lao dong"), w(3, "tro cap that", "trung tam dich vu viec lam", "viec lam", "can ngheo", "ho can ngheo"))},
	{"bhxh", "lao-dong-bhxh", "bhxh", merge(w(3, "so bhxh", "bao hiem xa hoi", "bhxh", "the bhyt", "cap the bao hiem y te", "luong huu", "huu tri", "chot so", "rut bhxh", "bao hiem mot lan", "so bao hiem", "bhxh mot lan"))},
	{"dich-vu-cong", "dich-vu-cong", "vp-ubnd", merge(w(3, "dich vu cong", "cong dich vu cong", "vneid", "mot cua", "tre hen", "ho so tre", "nop ho so truc tuyen", "ma ho so", "tra ket qua", "thu tuc hanh chinh",
		"phieu hen", "nop truc tuyen", "dvc", "ho so cua toi", "dinh danh dien tu", "nop online"), w(1.5, "ho so", "thu tuc"), w(3, "lay so thu tu", "trung tam hanh chinh", "hanh chinh cong"))},
}

func w(weight float64, phrases ...string) map[string]float64 {
	m := map[string]float64{}
	for _, p := range phrases {
		m[p] = weight
	}
	return m
}

// merge is the phrase groups of a subject in one map.
func merge(ms ...map[string]float64) map[string]float64 {
	out := map[string]float64{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = max(out[k], v)
		}
	}
	return out
}

// spam and greetings: a message with nothing else is out of scope.
var outOfScope = w(2, "khuyen mai", "giam gia", "mua ngay", "inbox", "ib", "vay tien", "vay von", "ban hang", "dat hang", "order", "ship", "link", "http", "www", "click", "trung thuong", "kiem tien",
	"xin chao", "hello", "alo", "hi", "chao ad", "chao admin", "test", "thu", "ok", "cam on", "thank", "gia re", "uy tin", "lien he zalo", "nhan lam", "dich vu lam",
	"lai suat thap", "giai ngan", "tuyen cong tac vien", "ban oi")

var statusAsk = w(3, "toi dau roi", "den dau roi", "tien do", "da xu ly chua", "sao chua", "chua ai tra loi", "chua tra loi", "khi nao co ket qua", "bao gio co", "cho lau qua", "da tiep nhan chua",
	"tinh trang ho so phan anh", "phan anh truoc", "phan anh hom truoc", "hoi lai", "nhac lai", "van chua thay", "chua thay ai", "van chua xu ly", "chua xu ly",
	"gui lai lan", "lan thu", "khong thay phan hoi", "co ai doc", "chua nhan duoc phan hoi", "da chuyen cho")

// Abbreviations citizens type, spelt out (folded text, whole words).
var abbrev = map[string]string{
	"ko": "khong", "k": "khong", "kh": "khong", "hok": "khong", "dc": "duoc", "đc": "duoc", "j": "gi", "vs": "voi", "ntn": "nhu the nao",
	"p": "phuong", "q": "quan", "tp": "thanh pho", "tt": "thi tran", "ubnd": "uy ban nhan dan", "sdt": "so dien thoai", "gcnqsdd": "giay chung nhan quyen su dung dat",
	"qsdd": "quyen su dung dat", "gpkd": "giay phep kinh doanh", "hkd": "ho kinh doanh", "mst": "ma so thue", "bhyt": "bhyt", "bv": "benh vien", "gv": "giao vien",
	"ct": "cong ty", "cty": "cong ty", "dn": "doanh nghiep", "nld": "nguoi lao dong", "csgt": "canh sat giao thong", "dkkd": "dang ky kinh doanh",
	"ks": "khai sinh", "tl": "tra loi", "rep": "tra loi", "cmt": "cmnd", "nhiu": "nhieu", "wa": "qua", "ng": "nguoi", "mk": "minh", "e": "em", "a": "anh",
}

var nonWord = regexp.MustCompile(`[^a-z0-9]+`)

// Normalize is the text as the routing reads it: folded (no diacritics),
// lower case, punctuation gone, abbreviations spelt out, repeated letters
// of emphasis cut ("ngapppp").
func Normalize(text string) string {
	f := viet.Fold(text)
	words := strings.Fields(nonWord.ReplaceAllString(f, " "))
	for i, x := range words {
		x = squeeze(x)
		if full, ok := abbrev[x]; ok {
			x = full
		}
		words[i] = x
	}
	return " " + strings.Join(words, " ") + " "
}

// squeeze cuts the letter a word ends with, typed three times or more
// for emphasis ("ngapppp", "quaaaa"), to one; inside a word repeats are
// kept ("cccd").
func squeeze(s string) string {
	n := len(s)
	if n < 4 {
		return s
	}
	last := s[n-1]
	k := n - 1
	for k > 0 && s[k-1] == last {
		k--
	}
	if n-k >= 3 {
		return s[:k+1]
	}
	return s
}

// Routing is the reading of a case's text.
type Routing struct {
	Topic, Subject, Agency string
	Confidence             float64
}

// Router routes with the office's rules and learnt model over the
// subjects' phrases.
type Router struct {
	// Rules are topic (or subject) → agency, the OA agency's own
	// (records.RoutingRules): they win over the subjects' defaults.
	Rules map[string]string
	// Model is what reassignments taught (records.RouteModelOf).
	Model records.RouteModel
}

// accented are phrases whose folded form is also other words ("so do" is
// sổ đỏ, and sợ đổ): in a text typed with its marks, they count only as
// typed with these.
var accented = map[string]string{"so do": "sổ đỏ", "do dac": "đo đạc", "dat o": "đất ở", "cap so": "cấp sổ", "lam so": "làm sổ", "mat so": "mất sổ"}

// reading is a text as the scoring sees it: folded and spelt out, and,
// when it was typed with diacritics, as typed (lower case).
type reading struct {
	folded, marked string
}

func read(text string) reading {
	r := reading{folded: Normalize(text)}
	if low := strings.ToLower(viet.NFC(text)); viet.Fold(low) != low {
		r.marked = low
	}
	return r
}

func score(r reading, phrases map[string]float64) float64 {
	s := 0.0
	for p, wt := range phrases {
		if !strings.Contains(r.folded, " "+p+" ") {
			continue
		}
		if a, ok := accented[p]; ok && r.marked != "" && !strings.Contains(r.marked, a) {
			continue
		}
		s += wt
	}
	return s
}

// Route reads text (everything the citizen wrote, and what the pipeline
// read of their photos).
func (r Router) Route(text string) Routing {
	t := read(text)
	type cand struct {
		s     subject
		score float64
	}
	var cs []cand
	for _, s := range subjects {
		if sc := score(t, s.phrases); sc > 0 {
			cs = append(cs, cand{s, sc})
		}
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].score > cs[j].score })
	_, hasCode := records.CaseCodeIn(text)
	ask := score(t, statusAsk)
	words := len(strings.Fields(t.folded))
	switch {
	case hasCode && (len(cs) == 0 || cs[0].score < 4):
		return Routing{Topic: StatusAsk, Confidence: 0.95}
	case ask > 0 && (len(cs) == 0 || ask >= cs[0].score):
		return Routing{Topic: StatusAsk, Confidence: 0.8}
	case len(cs) == 0 || score(t, outOfScope) >= 4 && score(t, outOfScope) >= cs[0].score:
		conf := 0.5
		if score(t, outOfScope) > 0 || words <= 3 {
			conf = 0.8
		}
		return Routing{Topic: OutOfScope, Confidence: conf}
	}
	best := cs[0]
	second := 0.0
	if len(cs) > 1 {
		second = cs[1].score
	}
	conf := best.score / (best.score + second + 1)
	out := Routing{Topic: best.s.topic, Subject: best.s.name, Agency: best.s.agency, Confidence: math.Round(conf*100) / 100}
	if a, ok := r.Rules[best.s.name]; ok {
		out.Agency = a
	} else if a, ok := r.Rules[best.s.topic]; ok {
		out.Agency = a
	}
	if a, p := r.learnt(t.folded); a != "" && p > 0.8 && a != out.Agency {
		// The office has sent cases worded like this one elsewhere, often
		// enough to be sure.
		out.Agency = a
		out.Confidence = math.Round(min(out.Confidence, p)*100) / 100
	}
	return out
}

// learnt is the agency the reassignments' model gives the text, and its
// posterior (naive Bayes over the words, add-one smoothed); "" when it
// knows too little (fewer than five cases).
func (r Router) learnt(text string) (string, float64) {
	total := 0
	for _, n := range r.Model.Docs {
		total += n
	}
	if total < 5 {
		return "", 0
	}
	words := records.RouteWords(text)
	logp := map[string]float64{}
	for a, n := range r.Model.Docs {
		lp := math.Log(float64(n) / float64(total))
		for _, w := range words {
			lp += math.Log(float64(r.Model.Words[w][a]+1) / float64(n+2))
		}
		logp[a] = lp
	}
	best, bestLP := "", math.Inf(-1)
	for a, lp := range logp {
		if lp > bestLP || lp == bestLP && a < best {
			best, bestLP = a, lp
		}
	}
	z := 0.0
	for _, lp := range logp {
		z += math.Exp(lp - bestLP)
	}
	return best, 1 / z
}

// OnlyAsks says whether a text with a case code says nothing else than a
// question about it ("PA-2025-000123 toi dau roi a"): at most four other
// words, or a status question and at most eight.
func OnlyAsks(text string) bool {
	t := read(text)
	rest := 0
	for _, w := range strings.Fields(t.folded) {
		if !strings.HasPrefix(w, "pa") && !isDigits(w) {
			rest++
		}
	}
	return rest <= 4 || rest <= 8 && score(t, statusAsk) > 0
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
