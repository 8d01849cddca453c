# unionpress 的中文提示。这里的每个 id 在 en.ftl 里也有，变量相同（有测试检查）。
# 变量：原样显示的文字（路径、键、值），数字（$count），以及另一条提示。

## 每一行的组成

raw = { $text }
severity = { $kind ->
    [warning] 警告：{ $message }
    [note] 提示：{ $message }
   *[error] 错误：{ $message }
}
severity-word = { $kind ->
    [warning] 警告
    [note] 提示
   *[error] 错误
}

## 文件

io-not-found = 找不到这个文件或文件夹
io-permission-denied = 没有权限：当前账户不能读写它
io-already-exists = 它已经存在
io-is-a-folder = 这是一个文件夹，不是文件
io-not-a-folder = 路径中的某一部分是文件，不是文件夹
io-disk-full = 磁盘已满
io-read-only = 磁盘是只读的
io-address-in-use = 这个地址已被占用

## YAML（文章开头的设置、site.yaml、数据块）

yaml-at = { $key }：{ $reason }
yaml-raw = { $reason }
yaml-unknown-key-near = 没有 `{ $key }` 这个键；您是想写 `{ $near }` 吗？
yaml-unknown-key = 没有 `{ $key }` 这个键；可用的键：{ $known }
yaml-unknown-key-none = 没有 `{ $key }` 这个键：这里不能写键
yaml-missing-key = 缺少 `{ $key }`：请加上 `{ $key }: …`
yaml-key-twice = `{ $key }` 写了两次：请只保留一个
yaml-wrong-type = 类型不对：这里应为{ $expected }，实际是{ $found }
yaml-wrong-value = 取值不对：这里应为{ $expected }，实际是{ $found }
yaml-wrong-form = 这个值的写法不符合该键的要求（可写的形式见 README）
yaml-not-keys = 这里不是一行一个的 `键: 值`
yaml-second-document = 这里开始了第二个 YAML 文档（一行 `---` 或 `...`）：请删掉这一行或它后面的内容
yaml-too-deep = 别名太多或嵌套太深：请把值直接写出来
yaml-tab = YAML 不允许用 Tab 键缩进：请改用空格
yaml-reserved = 值不能以 `{ $char }` 开头：请把整个值放在引号里
yaml-colon-in-value = `{ $key }` 的值里有冒号加空格（`: `），会被当作新的键：请把值放在引号里：{ $fixed }
yaml-indent = 这一行和上面几行对不上：请检查缩进（同一层的键从同一列开始，用空格缩进），并确认写成了 `键: 值`
yaml-space-after-colon = `{ $key }` 的冒号后面要加一个空格：{ $fixed }
yaml-no-colon = 这一行的键后面没有 `:`：请写成 `键: 值`
yaml-unclosed-quote = 这里开始的引号 `{ $quote }` 没有结束：请在值的末尾补上 `{ $quote }`
path-item = 第 { $n } 项
path-item-key = 第 { $n } 项的 `{ $key }`
yaml-unclosed-bracket = 这里开始的 `{ $open }` 没有结束：请在最后一项后面补上 `{ $close }`
yaml-stray-bracket = 这个 `{ $bracket }` 没有对应的开括号：请删掉它，或补上开括号
yaml-after-quote = 引号结束后还有文字：请把整个值都放在引号里
yaml-escape = 双引号里的反斜杠表示转义：反斜杠本身请写成 \\，或改用单引号
yaml-alias = `*` 在 YAML 里表示别名：请把值放在引号里
yaml-control = 文字里有看不见的控制字符：请删掉这段文字后重新输入
kind-list = 列表
kind-text = 文字
kind-number = 数字
kind-whole-number = 整数
kind-bool = 布尔值（true 或 false）
kind-map = 键和值
kind-other = { $what }
found-text = 文字“{ $value }”
found-number = 数字 { $value }
found-bool = { $value }
found-list = 列表
found-map = 键和值
found-nothing = 空值

## 日期

date-form = 日期 `{ $text }` 有误：请写成 YYYY-MM-DD（2021-12-31）或 RFC 3339（2021-12-31T08:00:00+08:00）
date-no-month = 日期 `{ $text }` 有误：没有 { $month } 月（月份是 01 到 12）
date-no-day = 日期 `{ $text }` 有误：{ $year } 年 { $month } 月只有 { $days } 天，没有 { $day } 日
date-bad-time = 日期 `{ $text }` 有误：时间不对：请写成 2021-12-31T08:00:00+08:00（小时 00 到 23，分和秒 00 到 59，最后是时区）
date-write-as = 日期 `{ $text }` 有误：请写成 { $fixed }

## site.yaml

config-unreadable = 无法读取网站设置：{ $reason }
config-no-languages = `languages` 里至少要写一种语言
config-default-language-required = 有多种语言时必须写 `default_language`
config-default-language-unknown = `default_language: { $default }` 不在 `languages` 里（{ $languages }）
config-language-code = 语言代码 `{ $code }` 只能由字母、数字或 `-` 组成
config-too-many-languages = { $count } 种语言超过了 unionpress 的上限（{ $most } 种）
config-paginate = `paginate` 至少为 1
config-widths = `images.widths` 要列出大于 0 的宽度
config-quality = `images.{ $key }` 要在 1 到 100 之间
config-formats-jpeg-last = `images.formats` 要以 `jpeg` 结尾：它是所有读者都能看的后备格式（例如 `formats: [webp, jpeg]`）
config-formats-twice = `images.formats` 把 `{ $format }` 写了两次
config-formats-no-avif = `images.formats` 写了 `avif`，但这个 unionpress 编译时没有 AVIF 支持：请用 `cargo build --release --features avif` 编译（需要 nasm），或者去掉 `avif`
config-theme = `theme: { $theme }` { $why }：请写 themes/ 下一个文件夹的名字，例如 `default`
theme-empty = 是空的
theme-path = 是一个路径，不是主题的名字
theme-leaves = 超出了 themes/ 文件夹
theme-control = 含有控制字符
config-timezone = `timezone: { $name }` 不是时区：请写 IANA 时区名，例如 Asia/Shanghai
config-extra = 模板无法使用 `extra`：{ $reason }
base-url-scheme = `base_url` 要以 http:// 或 https:// 开头，而不是 `{ $url }`
base-url-no-host = `base_url` 里没有域名：`{ $url }`
base-url-alone = `base_url` 只写网站地址本身，不能带{ $what ->
    [query] 查询字符串（`?…`）
    [fragment] 片段（`#…`）
   *[space] 空格或控制字符
}：`{ $url }`

## 文件和主题

not-utf8 = 这个文件不是 UTF-8 编码：请另存为 UTF-8（不支持 GBK 和 GB2312）
theme-not-found = 找不到主题 `{ $theme }`：没有文件夹 { $folder }
theme-no-strings = 主题里没有语言 `{ $code }` 的界面文字：请添加这个文件

## 内容文件

no-content = 没有内容文件夹：请创建 `content/`，每个栏目一个子文件夹
file-language-unknown = site.yaml 里没有设置语言 `{ $code }`（已设置的语言：{ $languages }）
file-home-index = 首页的正文要写在 `content/_index.md` 里（文件名以下划线开头）
file-name-unclear = 从文件名 `{ $name }` 看不出是哪个页面、哪种语言
front-matter-missing = 缺少文章开头的设置：文件要以一行 `---` 开头，接着写 YAML（title、date），再写一行 `---`
front-matter-unclosed = 文章开头的设置没有结束：请在 YAML 后面加一行 `---`
front-matter-empty = 文章开头的设置是空的：必须写 `title` 和 `date`
page-no-date = 缺少 `date`（YYYY-MM-DD）：请加一行，例如 `date: 2021-12-31`
slug-segment = slug `{ $slug }` 只能是一段路径，不能含 / ? #
cover-problem = 封面（cover）：{ $reason }
extra-unusable = extra：{ $reason }
image-no-path = 图片没有写路径
file-outside = `{ $src }` 指到了内容文件夹之外
file-not-found = 找不到 `{ $src }`（查找的是 { $looked }）{ $hint }
hint-none = { "" }
hint-file-case = ；您是想写 `{ $name }` 吗？（网站上的文件名区分大小写）
hint-file-near = ；您是想写 `{ $name }` 吗？

## 图片

photo-used-by = { $reason }（使用它的页面：{ $pages }）
image-unreadable = 无法读取图片 `{ $path }`：{ $reason }
image-not-image = `{ $path }` 不是受支持格式的图片（支持 JPEG、PNG、WebP、GIF、HEIC）
image-jpeg-cut-off = 图片 `{ $path }` 不完整或已损坏：它的 JPEG 数据没有结束标记
image-damaged = 图片 `{ $path }` 已损坏或格式不受支持：{ $reason }
image-damaged-pixels = 图片 `{ $path }` 已损坏或不完整：{ $reason }
image-no-pixels = 图片 `{ $path }` 没有像素（{ $size }）
image-too-many-pixels = 图片 `{ $path }` 是 { $size } = { $pixels } 像素，超过了上限 { $most } 像素（site.yaml 里的 images.max_pixels）
image-no-heic = `{ $path }` 是 HEIC/HEIF 照片，而这个 unionpress 编译时没有 HEIC 支持：请用 `cargo build --release --features heic` 编译（需要 libheif；Debian：libheif-dev），或者把照片导出为 JPEG
image-heic-damaged = HEIC 照片 `{ $path }` 已损坏或格式不受支持：{ $reason }
image-heic-undecodable = HEIC 照片 `{ $path }` 无法解码
image-heic-no-memory = libheif：内存不足
image-gif-damaged = 这个 GIF 已损坏或不完整
image-gif-unreadable = 无法读取这个 GIF 的帧：{ $reason }
image-gif-no-frames = 这个 GIF 没有任何帧
image-gif-too-large = 它有 { $frames } 帧，每帧 { $size }，像素太多，无法转换
image-gif-not-encoded = GIF 是原样复制的，不重新编码
image-too-large-for = { $size } 对 { $format } 来说太大了（每边最多 { $most } 像素）
image-encode-failed = { $format } 编码失败：{ $reason }
image-webp-version = libwebp 版本不匹配
image-no-avif = 这个 unionpress 编译时没有 AVIF 支持（cargo 功能 `avif`）
image-pixel-type = 不支持这种像素类型
image-resize-failed = 缩放失败：{ $reason }
image-resize-size = 缩放失败：缩放后的像素与预期尺寸不符
image-cache-unwritable = 无法写入图片缓存：{ $reason }
focus-not-a-point = 焦点（focus）`{ $text }` 不是一个点：请写两个百分比，分别是离左边和离上边的距离，例如 `30% 40%`
focus-out-of-range = 焦点（focus）`{ $text }` 有误：{ $part } 不在 0% 到 100% 之间

## 关键数据（数据块）

metrics-in-block = 数据块有误：{ $reason }
metrics-empty = 数据块是空的：请按 `- { "{" } label: …, value: … { "}" }` 一行一项地列出
metric-value = 第 { $n } 项 `{ $label }` 的 value { $why }
metric-not-finite = 必须是一个有限的数字
metric-minus-zero = `-0` 不是一个数据：请写 0
metric-too-large = { $value } 太大，不能作为关键数据（最多 15 位数字；请把数量级写进单位，例如 `万亿元` 或 `trillion yuan`）
metric-fix-commas = 写了逗号：数字里不要写逗号，请写成 { $fixed }
metric-fix-unit = 里带了单位：请把“{ $suffix }”写进单位：value 写 { $number }，unit 写 { $unit }
metric-fix-quotes = 加了引号，会被当作文字：数字不要加引号，请写成 { $fixed }

## 输出路径

path-unwritable = { $subject }无法发布为 `{ $path }`：{ $why }
subject-alias = 别名 `{ $name }`
subject-tag = 标签 `{ $name }`
subject-slug = slug `{ $name }`
subject-page = 这个页面
subject-file = `{ $name }`
path-empty = 路径是空的
path-slash = 它以 `/` 开头
path-too-long = 路径长 { $bytes } 字节，最多只能 { $most } 字节
path-empty-part = 路径里有空的一段（`//`）
path-dots = 路径里有 `{ $part }` 这一段，会把文件放到它的文件夹之外
path-name-too-long = 名字 `{ $name }…` 长 { $bytes } 字节，文件系统最多允许 { $most } 字节
path-control = 含有控制字符 { $char }
path-backslash = 含有反斜杠
path-percent = 浏览器会把地址里的 `%` 当作转义符：请去掉它
path-own = 它自己的 { $path }
path-made-from = { $path }（由 { $source } 生成）
path-needs-folder = 它需要一个文件夹 `{ $path }`，而生成时那里要写入{ $what }
path-is-folder = 生成时需要把 `{ $path }` 用作文件夹，用来放{ $what }
path-case = 它和 { $other } 只有大小写不同，在不区分大小写的文件系统上（macOS、Windows）一个会覆盖另一个

## 输出的安排

logo-not-published = 标志（logo）`{ $logo }` 不是网站发布的文件：请把它放在 static/{ $logo }
path-in-search = 它会写入 { $path }，而这在 { $folder } 里面，那是搜索索引的文件夹：请改个名字
alias-collides = 别名 `{ $alias }` 有冲突：{ $why }
alias-is-page = 这是 { $source } 的地址
alias-twice = { $source } 也有这个别名
alias-is-output = 生成时那里已经要写入 { $path }
url-twice = 地址 { $url } 重复了：{ $source } 也用了这个地址
output-twice = 两个来源写入同一个输出文件：{ $first } 和 { $second }

## 模板

template-error = 模板有误：{ $reason }
template-error-page = 模板有误：{ $reason }（生成 { $page } 时）

## 链接、锚点和译文（check）

broken-link = 链接 `{ $href }` 无效：{ $why }
broken-image = 图片 `{ $src }` 无效：{ $why }
broken-cover = 封面 `{ $src }` 无效：{ $why }
broken-anchor-here = 锚点 `{ $href }` 无效：本页没有 id 为 `{ $id }` 的标题或元素{ $hint }
broken-anchor = 锚点 `{ $href }` 无效：{ $source } 里没有 id 为 `{ $id }` 的标题或元素{ $hint }
link-outside-base = 网站发布在 { $base } 下，所以站内地址都要以它开头
link-above-root = 它指到了网站根目录之上
link-nothing-there = { $address } 没有发布任何内容{ $hint }
hint-page-near = ；您是想写 { $address } 吗？
hint-other-language = ；另一种语言里有 { $address }
hint-id-near = ；您是想写 `{ $id }` 吗？
translation-missing = { $key } 还没有{ $name }（{ $code }）译文：请添加 { $file }
translation-photo-missing = 图片 `{ $src }` 出现在 { $source }:{ $line }，但这个版本里没有
metric-blocks-differ = 这里有 { $here } 个数据块，而 { $source } 里有 { $there } 个{ $first }：译文应显示相同的数据
metric-first-unmatched = ；它的第 { $block } 个数据块在第 { $line } 行
metric-items-differ = 第 { $block } 个数据块这里有 { $here } 项，而 { $source }:{ $line } 里有 { $there } 项
metric-figure-differs = 数据与原文不一致：这里 `{ $label }` 是 { $written }（{ $scale }{ $value }），而 { $source }:{ $line } 里 `{ $original_label }` 是 { $original_written }（{ $original_scale }{ $original_value }）
scale-none = 没有数量级：{ "" }
scale-read = { $words } = { $power }，即 { "" }

## 小结（build、check）

no-site = 这里没有 site.yaml：请在网站文件夹里运行 unionpress，或用 --root 指定网站文件夹
build-summary = 已生成 { $pages } 个页面（{ $languages }），写入 { $out }；图片：新处理 { $encoded } 张，{ $cached } 张取自缓存；共 { $files } 个文件，用时 { $seconds } 秒
build-left-out = { $what }；加上 --drafts 可以显示它们
left-out = { $what }没有发布
left-out-drafts = { $count } 篇草稿
left-out-future = { $count } 篇日期在未来的文章
left-out-both = { $first }和{ $second }
left-out-draft = 草稿
left-out-future-one = 日期在未来
check-left-out = { $what }（生成时加上 --drafts 才会发布）：
check-summary = { $pages } 个页面中有 { $errors } 个错误、{ $warnings } 个警告
check-summary-unread = { $errors } 个错误、{ $warnings } 个警告
check-translations = 译文：{ $total } 篇文章中有 { $complete } 篇各语言齐全（{ $languages }）
check-article = 文章
check-missing = 缺少

## 预览（serve）

serve-cannot-listen = 无法在 { $address } 上监听：{ $reason }（是否已有另一个预览在运行？--port 0 会自动选一个空闲端口）
serve-public = 正在 { $address } 上监听：能访问这台电脑的任何人都能看到网站，包括草稿。请用 --bind 127.0.0.1 只让本机访问
serve-built = 已生成 { $pages } 个页面，用时 { $ms } 毫秒
serve-ctrl-c = 无法处理 Ctrl-C：{ $reason }
serve-watch = 无法监视文件变化：{ $reason }
serve-serving = 预览地址 { $url } （按 Ctrl-C 停止）
serve-output = 输出在 { $folder }
serve-stopped = 已停止
serve-rebuilt = 已重新生成，用时 { $ms } 毫秒 [{ $phases } 毫秒]：{ $count } 个文件有变化{ $which }
serve-which = （{ $files }）
serve-which-more = （{ $files } 等，另有 { $more } 个）
serve-indexed = 已重新生成搜索索引，用时 { $ms } 毫秒：{ $files } 个文件有变化
serve-failed = { $count } 个错误；网站仍显示上一个正确的版本
overlay-title = 1 个错误——网站仍显示上一个正确的版本
overlay-title-many = {"{"}count{"}"} 个错误——网站仍显示上一个正确的版本

## 写入输出

output-escapes = 内部错误：输出路径超出了输出文件夹
output-unreadable = 无法读取输出文件夹：{ $reason }
output-is-file = 输出路径是一个文件，不是文件夹：请用 --out 换一个位置
output-foreign = 不会替换这个文件夹：里面有不是 unionpress 写入的文件（没有 { $marker } 标记）。请用 --out 换一个位置，或自己清空它
output-copy = 无法复制到输出文件夹：{ $reason }

## 新建网站和页面（init、new、theme eject）

init-site-exists = 这里已经有一个网站；没有做任何改动
init-theme-exists = 这里已经有主题文件夹；没有做任何改动
init-file-exists = 已经存在；没有做任何改动
eject-exists = 主题已经在这里；没有做任何改动（如需一份新的，请先把它移走）
new-language-unknown = site.yaml 里没有设置语言 `{ $code }`
new-page-form = 请写成 栏目/名称，例如 news/2022-job-fair（不能有空格或点）
created = 已创建 { $path }
init-next = 下一步：cd { $dir } && unionpress build
eject-created = 已创建 { $dir }（内置主题的副本，可以随意修改）

## 运行结果

run-failed = { $count } 个错误
build-failed = { $count } 个错误；没有写入任何文件
