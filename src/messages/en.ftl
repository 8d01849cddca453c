# unionpress's messages in English. Every id here is in zh.ftl too, with
# the same variables (a test checks both). Variables: text shown as it is
# (paths, keys, values), numbers ($count: plural forms) and other messages.

## The parts of every line

raw = { $text }
severity = { $kind ->
    [warning] warning: { $message }
    [note] note: { $message }
   *[error] error: { $message }
}
severity-word = { $kind ->
    [warning] warning
    [note] note
   *[error] error
}

## Files

io-not-found = no such file or folder
io-permission-denied = permission denied: this account may not read or write it
io-already-exists = it already exists
io-is-a-folder = it is a folder, not a file
io-not-a-folder = a part of this path is a file, not a folder
io-disk-full = the disk is full
io-read-only = the disk is read-only
io-address-in-use = the address is in use

## YAML (front matter, site.yaml, metrics blocks)

yaml-at = { $key }: { $reason }
yaml-raw = { $reason }
yaml-unknown-key-near = unknown key `{ $key }`; did you mean `{ $near }`?
yaml-unknown-key = unknown key `{ $key }`; known keys: { $known }
yaml-unknown-key-none = unknown key `{ $key }`: nothing goes here
yaml-missing-key = missing field `{ $key }`: add `{ $key }: …`
yaml-key-twice = `{ $key }` is given twice: keep one
yaml-wrong-type = invalid type: expected { $expected }, found { $found }
yaml-wrong-value = invalid value: expected { $expected }, found { $found }
yaml-wrong-form = this value has a form the key does not take (see the README for what it may be)
yaml-not-keys = this is not a list of `key: value` lines
yaml-second-document = a second YAML document starts here (a `---` or `...` line): remove the line, or the text after it
yaml-too-deep = too many aliases or too deep nesting: write the values out
yaml-tab = YAML does not allow tabs for indentation: use spaces
yaml-reserved = a value cannot start with `{ $char }`: put the whole value in quotes
yaml-colon-in-value = the value of `{ $key }` holds a colon and a space (`: `), which starts a new key: put the value in quotes: { $fixed }
yaml-indent = this line does not fit the lines above: check its indentation (keys of one level start in the same column, with spaces) and that it is `key: value`
yaml-space-after-colon = put a space after the colon of `{ $key }`: { $fixed }
yaml-no-colon = this line has no `:` after its key: write `key: value`
yaml-unclosed-quote = the quote `{ $quote }` opened here is never closed: add a closing `{ $quote }` at the end of the value
path-item = item { $n }
path-item-key = item { $n }, `{ $key }`
yaml-unclosed-bracket = the `{ $open }` opened here is never closed: add `{ $close }` after the last item
yaml-stray-bracket = this `{ $bracket }` closes nothing: remove it, or add the bracket that opens it
yaml-after-quote = text after the closing quote: put the whole value in the quotes
yaml-escape = in double quotes a backslash starts an escape: write \\ for a backslash, or use single quotes
yaml-alias = `*` starts a YAML alias: put the value in quotes
yaml-control = the text holds a control character (an invisible one): delete it and type the text again
kind-list = a list
kind-text = text
kind-number = a number
kind-whole-number = a whole number
kind-bool = a boolean (true or false)
kind-map = keys and values
kind-other = { $what }
found-text = the text "{ $value }"
found-number = the number { $value }
found-bool = { $value }
found-list = a list
found-map = keys and values
found-nothing = nothing

## Dates

date-form = bad date `{ $text }`: write YYYY-MM-DD (2021-12-31) or RFC 3339 (2021-12-31T08:00:00+08:00)
date-no-month = bad date `{ $text }`: month { $month } does not exist (months are 01 to 12)
date-no-day = bad date `{ $text }`: day { $day } does not exist: { $month ->
    [1] January
    [2] February
    [3] March
    [4] April
    [5] May
    [6] June
    [7] July
    [8] August
    [9] September
    [10] October
    [11] November
   *[12] December
} { $year } has { $days } days
date-bad-time = bad date `{ $text }`: the time is not valid: write it as 2021-12-31T08:00:00+08:00 (hours 00 to 23, minutes and seconds 00 to 59, then the time zone)
date-write-as = bad date `{ $text }`: write it as { $fixed }

## site.yaml

config-unreadable = cannot read the site configuration: { $reason }
config-no-languages = `languages` must name at least one language
config-default-language-required = `default_language` is required when there are several languages
config-default-language-unknown = `default_language: { $default }` is not one of `languages` ({ $languages })
config-language-code = language code `{ $code }` must be letters, digits or `-`
config-too-many-languages = { $count } languages are more than unionpress supports ({ $most })
config-paginate = `paginate` must be at least 1
config-widths = `images.widths` must list positive widths
config-quality = `images.{ $key }` must be between 1 and 100
config-formats-jpeg-last = `images.formats` must end with `jpeg`: it is the fallback every reader shows (e.g. `formats: [webp, jpeg]`)
config-formats-twice = `images.formats` lists `{ $format }` twice
config-formats-no-avif = `images.formats` lists `avif`, but this unionpress was built without AVIF support: build it with `cargo build --release --features avif` (needs nasm), or leave `avif` out
config-theme = `theme: { $theme }` { $why }: name a folder of themes/, such as `default`
theme-empty = is empty
theme-path = is a path, not a theme's name
theme-leaves = leaves the themes/ folder
theme-control = has control characters
config-timezone = `timezone: { $name }` is not a time zone: write an IANA name such as Asia/Shanghai
config-extra = `extra` cannot be used by templates: { $reason }
base-url-scheme = `base_url` must start with http:// or https://, not `{ $url }`
base-url-no-host = `base_url` has no host: `{ $url }`
base-url-alone = `base_url` must be the site's address alone, without { $what ->
    [query] a query string (`?…`)
    [fragment] a fragment (`#…`)
   *[space] spaces or control characters
}: `{ $url }`

## Files and themes

not-utf8 = the file is not valid UTF-8: save it as UTF-8 (GBK and GB2312 are not supported)
theme-not-found = theme `{ $theme }` not found: no folder { $folder }
theme-no-strings = the theme has no UI strings for language `{ $code }`: add this file

## Content files

no-content = no content folder: create `content/` with one folder per section
file-language-unknown = language `{ $code }` is not configured in site.yaml (languages: { $languages })
file-home-index = the home page's text goes in `content/_index.md` (with an underscore)
file-name-unclear = cannot tell the page and language from the name `{ $name }`
front-matter-missing = front matter missing: the file must start with a `---` line, then YAML (title, date), then `---`
front-matter-unclosed = front matter is not closed: add a `---` line after the YAML
front-matter-empty = front matter is empty: `title` and `date` are required
page-no-date = missing `date` (YYYY-MM-DD): add a line such as `date: 2021-12-31`
slug-segment = slug `{ $slug }` must be one path segment without / ? #
cover-problem = cover: { $reason }
extra-unusable = extra: { $reason }
image-no-path = image has no path
file-outside = `{ $src }` points outside the content folder
file-not-found = `{ $src }` not found (looked for { $looked }){ $hint }
hint-none = { "" }
hint-file-case = ; did you mean `{ $name }`? (file names are case-sensitive on the web)
hint-file-near = ; did you mean `{ $name }`?

## Photos

photo-used-by = { $reason } (used by { $pages })
image-unreadable = cannot read image `{ $path }`: { $reason }
image-not-image = `{ $path }` is not an image in a supported format (JPEG, PNG, WebP, GIF, HEIC)
image-jpeg-cut-off = image `{ $path }` is truncated or damaged: its JPEG data has no end marker
image-damaged = image `{ $path }` is damaged or unsupported: { $reason }
image-damaged-pixels = image `{ $path }` is damaged or truncated: { $reason }
image-no-pixels = image `{ $path }` has no pixels ({ $size })
image-too-many-pixels = image `{ $path }` is { $size } = { $pixels } pixels, over the limit of { $most } (images.max_pixels in site.yaml)
image-no-heic = `{ $path }` is a HEIC/HEIF photo, and this unionpress was built without HEIC support: build it with `cargo build --release --features heic` (needs libheif; Debian: libheif-dev), or export the photo as JPEG
image-heic-damaged = HEIC photo `{ $path }` is damaged or unsupported: { $reason }
image-heic-undecodable = HEIC photo `{ $path }` could not be decoded
image-heic-no-memory = libheif: out of memory
image-gif-damaged = the GIF is damaged or cut off
image-gif-unreadable = the GIF's frames cannot be read: { $reason }
image-gif-no-frames = the GIF has no frames
image-gif-too-large = its { $frames } frames of { $size } are too many pixels to convert
image-gif-not-encoded = GIF is copied, not encoded
image-too-large-for = { $size } is too large for { $format } ({ $most } pixels a side at most)
image-encode-failed = { $format } encoding failed: { $reason }
image-webp-version = libwebp version mismatch
image-no-avif = this unionpress was built without AVIF support (cargo feature `avif`)
image-pixel-type = unsupported pixel type
image-resize-failed = resize failed: { $reason }
image-resize-size = resize failed: the resized pixels do not fill the expected size
image-cache-unwritable = cannot write the image cache: { $reason }
focus-not-a-point = focus `{ $text }` is not a point: write two percentages from the left and from the top, e.g. `30% 40%`
focus-out-of-range = focus `{ $text }`: { $part } is not between 0% and 100%

## Key figures (metrics blocks)

metrics-in-block = in metrics block: { $reason }
metrics-empty = metrics block is empty: list items as `- { "{" } label: …, value: … { "}" }`
metric-value = metric { $n } `{ $label }`: value { $why }
metric-not-finite = must be a finite number
metric-minus-zero = `-0` is not a figure: write 0
metric-too-large = { $value } is too large to be a key figure (at most 15 digits; write the scale in the unit, e.g. `万亿元` or `trillion yuan`)
metric-fix-commas = is written with commas: write the number without commas: { $fixed }
metric-fix-unit = has a unit in it: put { $suffix } in the unit: value { $number }, unit { $unit }
metric-fix-quotes = is in quotes, so it is text: write the number without quotes: { $fixed }

## Output paths

path-unwritable = { $subject } cannot be published as `{ $path }`: { $why }
subject-alias = alias `{ $name }`
subject-tag = tag `{ $name }`
subject-slug = slug `{ $name }`
subject-page = this page
subject-file = `{ $name }`
path-empty = the path is empty
path-slash = it starts with `/`
path-too-long = the path is { $bytes } bytes long; at most { $most } are allowed
path-empty-part = it has an empty part (`//`)
path-dots = it has a `{ $part }` part, which would put the file outside its folder
path-name-too-long = the name `{ $name }…` is { $bytes } bytes long; file systems allow { $most }
path-control = it contains the control character { $char }
path-backslash = it contains a backslash
path-percent = a `%` in an address is read by browsers as an escape: leave it out
path-own = its own { $path }
path-made-from = { $path } (made from { $source })
path-needs-folder = it needs a folder `{ $path }`, where the build writes { $what }
path-is-folder = the build needs `{ $path }` as a folder, for { $what }
path-case = it differs from { $other } only in case, and file systems that ignore case (macOS, Windows) would write one over the other

## The plan of the output

logo-not-published = logo `{ $logo }` is not a file the site publishes: put it in static/{ $logo }
path-in-search = it would write { $path }, inside { $folder }, which the search index fills: rename it
alias-collides = alias `{ $alias }` collides: { $why }
alias-is-page = it is the address of { $source }
alias-twice = { $source } has the same alias
alias-is-output = the build writes { $path } there already
url-twice = duplicate URL { $url }: { $source } has it too
output-twice = two sources write this output file: { $first } and { $second }

## Templates

template-error = { $reason }
template-error-page = { $reason } (while rendering { $page })

## Links, anchors and translations (check)

broken-link = broken link `{ $href }`: { $why }
broken-image = broken image `{ $src }`: { $why }
broken-cover = broken cover `{ $src }`: { $why }
broken-anchor-here = broken anchor `{ $href }`: no heading or element on this page has the id `{ $id }`{ $hint }
broken-anchor = broken anchor `{ $href }`: { $source } has no heading or element with the id `{ $id }`{ $hint }
link-outside-base = the site is published under { $base }, so its addresses start with it
link-above-root = it leads above the site's root
link-nothing-there = nothing is published at { $address }{ $hint }
hint-page-near = ; did you mean { $address }?
hint-other-language = ; { $address } exists, in another language
hint-id-near = ; did you mean `{ $id }`?
translation-missing = { $key } has no { $name } ({ $code }) translation: add { $file }
translation-photo-missing = photo `{ $src }` is in { $source }:{ $line } but not in this version
metric-blocks-differ = { $here ->
    [one] 1 metric block
   *[other] { $here } metric blocks
} here, but { $there ->
    [one] 1 metric block
   *[other] { $there } metric blocks
} in { $source }{ $first }: a translation shows the same figures
metric-first-unmatched = ; its block { $block } is on line { $line }
metric-items-differ = metric block { $block } has { $here ->
    [one] 1 item
   *[other] { $here } items
} here, but { $there ->
    [one] 1 item
   *[other] { $there } items
} in { $source }:{ $line }
metric-figure-differs = figure differs from the original: `{ $label }` is { $written } ({ $scale }{ $value }) here, but `{ $original_label }` is { $original_written } ({ $original_scale }{ $original_value }) in { $source }:{ $line }
scale-none = no scale: { "" }
scale-read = { $words } = { $power }, so { "" }

## Summaries (build, check)

no-site = no site.yaml here: run unionpress in a site folder or give --root
build-summary = built { $pages ->
    [one] 1 page
   *[other] { $pages } pages
} ({ $languages }) into { $out }, photos: { $encoded } processed, { $cached } from cache; { $files ->
    [one] 1 file
   *[other] { $files } files
} in all, in { $seconds } s
build-left-out = { $what }; --drafts shows them
left-out = { $what } left out
left-out-drafts = { $count ->
    [one] 1 draft
   *[other] { $count } drafts
}
left-out-future = { $count ->
    [one] 1 page
   *[other] { $count } pages
} dated in the future
left-out-both = { $first } and { $second }
left-out-draft = draft
left-out-future-one = dated in the future
check-left-out = { $what } (a build publishes them with --drafts):
check-summary = { $errors ->
    [one] 1 error
   *[other] { $errors } errors
}, { $warnings ->
    [one] 1 warning
   *[other] { $warnings } warnings
} in { $pages ->
    [one] 1 page
   *[other] { $pages } pages
}
check-summary-unread = { $errors ->
    [one] 1 error
   *[other] { $errors } errors
}, { $warnings ->
    [one] 1 warning
   *[other] { $warnings } warnings
}
check-translations = translations: { $complete } of { $total ->
    [one] 1 article
   *[other] { $total } articles
} in every language ({ $languages })
check-article = article
check-missing = missing

## Dev mode (serve)

serve-cannot-listen = cannot listen on { $address }: { $reason } (another server running? --port 0 picks a free port)
serve-public = listening on { $address }: anyone who can reach this machine can read the site, drafts included. Use --bind 127.0.0.1 to keep it private
serve-built = built { $pages ->
    [one] 1 page
   *[other] { $pages } pages
} in { $ms } ms
serve-ctrl-c = cannot handle Ctrl-C: { $reason }
serve-watch = cannot watch files: { $reason }
serve-serving = serving { $url } (Ctrl-C to stop)
serve-output = output in { $folder }
serve-stopped = stopped
serve-rebuilt = rebuilt in { $ms } ms [{ $phases } ms]: { $count ->
    [one] 1 file
   *[other] { $count } files
} changed{ $which }
serve-which = { " " }({ $files })
serve-which-more = { " " }({ $files } and { $more } more)
serve-indexed = rebuilt the search index in { $ms } ms: { $files ->
    [one] 1 file
   *[other] { $files } files
} changed
serve-failed = { $count ->
    [one] 1 error
   *[other] { $count } errors
}; the last good version of the site is still served
overlay-title = 1 error — the last good version of the site is still served
overlay-title-many = {"{"}count{"}"} errors — the last good version of the site is still served

## Writing the output

output-escapes = internal error: output path escapes the output folder
output-unreadable = cannot read the output: { $reason }
output-is-file = the output path is a file, not a folder; choose another --out
output-foreign = refusing to replace this folder: it holds files unionpress did not write (no { $marker } marker). Choose another --out, or empty it yourself
output-copy = cannot copy to the output: { $reason }

## New sites and pages (init, new, theme eject)

init-site-exists = a site already exists here; nothing was changed
init-theme-exists = a theme folder already exists here; nothing was changed
init-file-exists = already exists; nothing was changed
eject-exists = the theme is already here; nothing was changed (move it away to get a fresh copy)
new-language-unknown = language `{ $code }` is not configured in site.yaml
new-page-form = give the page as SECTION/SLUG, e.g. news/2022-job-fair (no spaces or dots)
created = created { $path }
init-next = next: cd { $dir } && unionpress build
eject-created = created { $dir } (the built-in theme, to change as you like)

## How a run ended

run-failed = { $count ->
    [one] 1 error
   *[other] { $count } errors
}
build-failed = { $count ->
    [one] 1 error
   *[other] { $count } errors
}; nothing was written
