<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>CodeCardPage</name>
    <message>
        <source>Index {index}</source>
        <translation>索引号 {index}</translation>
    </message>
    <message>
        <source>Online Security Code Card</source>
        <translation>在线安全代码卡</translation>
    </message>
    <message>
        <source>Security Code Card</source>
        <translation>安全代码卡</translation>
    </message>
    <message>
        <source>Find the two index numbers on your card and enter the 3-character value next to each, without spaces.</source>
        <translation>在您的安全代码卡上找到这两个索引号,分别输入其旁边的3位字符代码,不要加空格。</translation>
    </message>
</context>
<context>
    <name>CodeCardViewer</name>
    <message>
        <source>Keep this card private. Type the two values asked for at login, without spaces.</source>
        <extracomment>Index/value pairs per table row.</extracomment>
        <translation>请妥善保管此卡。登录时输入所要求的两个代码,不要加空格。</translation>
    </message>
    <message>
        <source>Print to PDF</source>
        <translation>打印为PDF</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF文件 (*.pdf)</translation>
    </message>
    <message>
        <source>The card could not be saved: {reason}</source>
        <translation>无法保存安全代码卡:{reason}</translation>
    </message>
    <message>
        <source>Security Code Card - {label}</source>
        <translation>安全代码卡 - {label}</translation>
    </message>
    <message>
        <source>At login, find the two index numbers asked for and type both values.</source>
        <translation>登录时,找到所要求的两个索引号,输入对应的两个代码。</translation>
    </message>
    <message>
        <source>Print to PDF…</source>
        <translation>打印为PDF…</translation>
    </message>
    <message>
        <source>Index</source>
        <translation>索引号</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>代码</translation>
    </message>
</context>
<context>
    <name>CredentialsPage</name>
    <message>
        <source>User Name</source>
        <extracomment>Whether the settings key was fetched and cached in the keyring (full-scope logins).</extracomment>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Log in to</source>
        <translation>登录到</translation>
    </message>
    <message>
        <source>Trader Workstation</source>
        <translation>交易平台(TWS)</translation>
    </message>
    <message>
        <source>Client Portal</source>
        <translation>客户端</translation>
    </message>
    <message>
        <source>IBKR Mobile</source>
        <translation>移动IBKR</translation>
    </message>
    <message>
        <source>Log In</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>More Options</source>
        <translation>更多选项</translation>
    </message>
    <message>
        <source>On-screen keyboard</source>
        <translation>屏幕键盘</translation>
    </message>
    <message>
        <source>Use/store settings on server</source>
        <translation>使用/在服务器上存储设置</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
</context>
<context>
    <name>DevicePage</name>
    <message>
        <source>Time left to respond: {time}</source>
        <translation>剩余响应时间:{time}</translation>
    </message>
    <message>
        <source>Log In</source>
        <translation>登录</translation>
    </message>
</context>
<context>
    <name>DscPlusPage</name>
    <message>
        <source>Digital Security Card+</source>
        <translation>数码安全卡+</translation>
    </message>
    <message>
        <source>&lt;ol&gt;&lt;li&gt;Press and hold the &lt;b&gt;press&lt;/b&gt; button until &lt;b&gt;PIN&amp;gt;&lt;/b&gt; appears, enter your 4-digit PIN and press &lt;b&gt;OK&lt;/b&gt;.&lt;/li&gt;&lt;li&gt;When &lt;b&gt;CHALLNG&amp;gt;&lt;/b&gt; appears, enter the 6-digit challenge code shown here and press &lt;b&gt;OK&lt;/b&gt;.&lt;/li&gt;&lt;li&gt;Enter the 8 digits of the response code below and click &lt;b&gt;Log In&lt;/b&gt;. If the time runs out, start over from step 1.&lt;/li&gt;&lt;/ol&gt;</source>
        <translation>&lt;ol&gt;&lt;li&gt;按住&lt;b&gt;press&lt;/b&gt;按钮直至出现&lt;b&gt;PIN&amp;gt;&lt;/b&gt;,输入您的4位数PIN码,然后按&lt;b&gt;OK&lt;/b&gt;按钮。&lt;/li&gt;&lt;li&gt;出现&lt;b&gt;CHALLNG&amp;gt;&lt;/b&gt;时,输入此处显示的6位数挑战码,然后按&lt;b&gt;OK&lt;/b&gt;按钮。&lt;/li&gt;&lt;li&gt;在下方输入8位数响应码,然后点击&lt;b&gt;登录&lt;/b&gt;。如果时间太长响应码过期,从第1步重新开始。&lt;/li&gt;&lt;/ol&gt;</translation>
    </message>
</context>
<context>
    <name>DscPlusSimulator</name>
    <message>
        <source>Digital Security Card+ - {label}</source>
        <translation>数码安全卡+ - {label}</translation>
    </message>
    <message>
        <source>press</source>
        <comment>the power key printed on the DSC+</comment>
        <extracomment>Digits of the PIN the card asks for. Digits of the challenge typed into the card (the suite&apos;s ``QN06``). Wrong PINs in a row that lock the card. How long &quot;PIN ERR&quot; stays on the display before ``PIN&gt;`` comes back.</extracomment>
        <translation>press</translation>
    </message>
    <message>
        <source>OK</source>
        <comment>a key printed on the DSC+</comment>
        <translation>OK</translation>
    </message>
    <message>
        <source>C</source>
        <comment>the clear key printed on the DSC+</comment>
        <translation>C</translation>
    </message>
    <message>
        <source>DSC+</source>
        <comment>the model name printed on the card</comment>
        <translation>DSC+</translation>
    </message>
    <message>
        <source>Digital Security Card+</source>
        <translation>数码安全卡+</translation>
    </message>
    <message>
        <source>Turn the card on or off (Space)</source>
        <translation>打开或关闭安全卡(空格键)</translation>
    </message>
    <message>
        <source>Card display</source>
        <translation>安全卡显示屏</translation>
    </message>
    <message>
        <source>Confirm (Enter)</source>
        <translation>确认(回车键)</translation>
    </message>
    <message>
        <source>Clear (Backspace)</source>
        <translation>清除(退格键)</translation>
    </message>
    <message>
        <source>ERROR</source>
        <comment>LCD text of the DSC+</comment>
        <translation>ERROR</translation>
    </message>
    <message>
        <source>PIN&gt;</source>
        <comment>LCD text of the DSC+; keep as on the device</comment>
        <translation>PIN&gt;</translation>
    </message>
    <message>
        <source>PIN ERR</source>
        <comment>LCD text of the DSC+; keep as on the device</comment>
        <translation>PIN ERR</translation>
    </message>
    <message>
        <source>CHALLNG&gt;</source>
        <comment>LCD text of the DSC+; keep as on the device</comment>
        <translation>CHALLNG&gt;</translation>
    </message>
    <message>
        <source>LOCKED</source>
        <comment>LCD text of the DSC+</comment>
        <translation>LOCKED</translation>
    </message>
</context>
<context>
    <name>IbKeyPage</name>
    <message>
        <source>IB Key</source>
        <translation>IB Key</translation>
    </message>
    <message>
        <source>Open IBKR Mobile on your phone and select &lt;b&gt;Authenticate&lt;/b&gt;.&lt;ul&gt;&lt;li&gt;&lt;b&gt;Android:&lt;/b&gt; enter your PIN and the challenge code, then tap &lt;b&gt;Generate Passcode&lt;/b&gt;.&lt;/li&gt;&lt;li&gt;&lt;b&gt;iOS:&lt;/b&gt; enter the challenge code, tap &lt;b&gt;Generate Passcode&lt;/b&gt; and use Touch ID or Face ID.&lt;/li&gt;&lt;/ul&gt;Enter the response string below and click &lt;b&gt;Log In&lt;/b&gt;.</source>
        <translation>在手机上打开移动IBKR,选择&lt;b&gt;验证&lt;/b&gt;。&lt;ul&gt;&lt;li&gt;&lt;b&gt;安卓:&lt;/b&gt;输入您的PIN码和挑战码,然后点击&lt;b&gt;生成通关码&lt;/b&gt;。&lt;/li&gt;&lt;li&gt;&lt;b&gt;iOS:&lt;/b&gt;输入挑战码,点击&lt;b&gt;生成通关码&lt;/b&gt;,然后使用Touch ID或Face ID。&lt;/li&gt;&lt;/ul&gt;在下方输入响应码,然后点击&lt;b&gt;登录&lt;/b&gt;。</translation>
    </message>
</context>
<context>
    <name>IbKeySimulator</name>
    <message>
        <source>Invalid PIN. Try again.</source>
        <translation>PIN码无效。请重试。</translation>
    </message>
    <message>
        <source>IB Key - {label}</source>
        <translation>IB Key - {label}</translation>
    </message>
    <message>
        <source>IBKR Mobile · Authenticate</source>
        <translation>移动IBKR · 验证</translation>
    </message>
</context>
<context>
    <name>LegacyOcraPage</name>
    <message>
        <source>Security device</source>
        <translation>安全设备</translation>
    </message>
    <message>
        <source>Enter the challenge code into your device and type its response below.</source>
        <translation>将挑战码输入您的设备,然后在下方输入其响应码。</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>Start over</source>
        <translation>重新开始</translation>
    </message>
    <message>
        <source>Please wait</source>
        <translation>请稍候</translation>
    </message>
    <message>
        <source>Login refused</source>
        <translation>登录被拒绝</translation>
    </message>
    <message>
        <source>TWS Companion Login</source>
        <translation>TWS Companion 登录</translation>
    </message>
    <message>
        <source>TWS Companion</source>
        <translation>TWS Companion</translation>
    </message>
    <message>
        <source>Secure Login System</source>
        <translation>安全登录系统</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Use another device</source>
        <translation>使用其它设备</translation>
    </message>
    <message>
        <source>Contacting the server…</source>
        <translation>正在连接服务器…</translation>
    </message>
</context>
<context>
    <name>MessagePage</name>
    <message>
        <source>Start over</source>
        <translation>重新开始</translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message>
        <source>Please wait 1 minute &amp; {seconds} seconds</source>
        <translation>请等待1分{seconds}秒</translation>
    </message>
    <message>
        <source>Please wait {minutes} minutes &amp; {seconds} seconds</source>
        <translation>请等待{minutes}分{seconds}秒</translation>
    </message>
    <message>
        <source>Please wait {seconds} seconds</source>
        <translation>请等待{seconds}秒</translation>
    </message>
    <message>
        <source>The server&apos;s certificate could not be verified, so the connection is not trusted. Nothing was sent.</source>
        <translation>无法验证服务器的证书,因此该连接不受信任。未发送任何内容。</translation>
    </message>
    <message>
        <source>A secure connection to the server could not be established.</source>
        <translation>无法与服务器建立安全连接。</translation>
    </message>
    <message>
        <source>Refusing to send your password over an unencrypted connection to {host}. Use an https:// server address.</source>
        <translation>拒绝通过未加密的连接向{host}发送您的密码。请使用https://开头的服务器地址。</translation>
    </message>
    <message>
        <source>The server gave an answer this app does not understand.</source>
        <translation>服务器返回了本应用无法识别的应答。</translation>
    </message>
    <message>
        <source>The server cannot be reached. Check your connection and try again.</source>
        <translation>无法连接服务器。请检查网络连接后重试。</translation>
    </message>
    <message>
        <source>A new security code has been sent by SMS.</source>
        <translation>新的安全代码已通过短信发送。</translation>
    </message>
    <message>
        <source>You will receive a call within one minute. Wait for the call and be ready to write down the code it gives you.</source>
        <translation>您会在一分钟内接到回呼。请等待回呼,准备好记下回呼将提供给您的代码。</translation>
    </message>
    <message>
        <source>The security code has expired. Request a new security code.</source>
        <translation>安全代码已过期。请再请求一个新的安全代码。</translation>
    </message>
    <message>
        <source>The response is not correct. 1 attempt left.</source>
        <translation>响应码不正确。还剩1次机会。</translation>
    </message>
    <message>
        <source>The response is not correct. {left} attempts left.</source>
        <translation>响应码不正确。还剩{left}次机会。</translation>
    </message>
    <message>
        <source>The user name or password is not correct.</source>
        <translation>用户名或密码不正确。</translation>
    </message>
    <message>
        <source>Too many failed login attempts.</source>
        <translation>登录失败次数过多。</translation>
    </message>
    <message>
        <source>Too many failed logins from this computer.</source>
        <translation>此电脑登录失败次数过多。</translation>
    </message>
    <message>
        <source>Too many failed login attempts: the account is locked. Contact Client Services to unlock it sooner.</source>
        <translation>登录失败次数过多:账户已被锁定。如需尽早解锁,请联系客户服务。</translation>
    </message>
    <message>
        <source>IP restrictions are active on your account: logins are permitted only from the IP addresses you designated, and this computer is not one of them.</source>
        <translation>您的账户已启用IP限制:只允许从您指定的IP地址登录,而此电脑不在其中。</translation>
    </message>
    <message>
        <source>You have no active security device. Contact Client Services.</source>
        <translation>您没有活跃的安全设备。请联系客户服务。</translation>
    </message>
    <message>
        <source>The login took too long and has expired. Start over from step 1.</source>
        <translation>登录时间过长,已经过期。请从第1步重新开始。</translation>
    </message>
    <message>
        <source>This login is over. Start over from step 1.</source>
        <translation>此次登录已结束。请从第1步重新开始。</translation>
    </message>
    <message>
        <source>The challenge has expired. Start over from step 1.</source>
        <translation>挑战码已过期。请从第1步重新开始。</translation>
    </message>
    <message>
        <source>Too many wrong responses. Start over from step 1.</source>
        <translation>响应码错误次数过多。请从第1步重新开始。</translation>
    </message>
    <message>
        <source>That response was already used once. Start over from step 1.</source>
        <translation>该响应码已使用过。请从第1步重新开始。</translation>
    </message>
    <message>
        <source>This security device is locked after too many wrong responses. Contact Client Services to reset it.</source>
        <translation>此安全设备因响应码错误次数过多已被锁定。请联系客户服务进行重置。</translation>
    </message>
    <message>
        <source>Your temporary security device has expired. Contact Client Services.</source>
        <translation>您的临时安全设备已过期。请联系客户服务。</translation>
    </message>
    <message>
        <source>Your temporary passcode is more than 2 days old: it now opens Client Portal only, to print your Online Security Code Card.</source>
        <translation>您的临时密码已超过2天:现在只能用于登录客户端,以打印在线安全代码卡。</translation>
    </message>
    <message>
        <source>Please wait a few seconds before requesting a new code.</source>
        <translation>请稍等几秒后再请求新的代码。</translation>
    </message>
    <message>
        <source>You have requested the maximum number of new codes. Start over from step 1.</source>
        <translation>您请求新代码的次数已达上限。请从第1步重新开始。</translation>
    </message>
    <message>
        <source>The security code could not be sent. Try again, or choose another way.</source>
        <translation>安全代码无法发送。请重试,或选择其它方式。</translation>
    </message>
    <message>
        <source>This login does not allow that.</source>
        <translation>此次登录不允许该操作。</translation>
    </message>
</context>
<context>
    <name>OcraPage</name>
    <message>
        <source>Challenge code:</source>
        <translation>挑战码:</translation>
    </message>
    <message>
        <source>Response:</source>
        <translation>响应码:</translation>
    </message>
    <message>
        <source>8 digits</source>
        <translation>8位数字</translation>
    </message>
</context>
<context>
    <name>OnScreenKeyboard</name>
    <message>
        <source>Shift</source>
        <translation>Shift</translation>
    </message>
</context>
<context>
    <name>PasscodePage</name>
    <message>
        <source>Temporary passcode</source>
        <translation>临时密码</translation>
    </message>
    <message>
        <source>Enter the temporary passcode Client Services gave you. It opens every platform for 2 days, then Client Portal only, to print your Online Security Code Card.</source>
        <translation>输入客户服务提供给您的临时密码。2天内可用于登录所有平台,之后只能登录客户端,以打印在线安全代码卡。</translation>
    </message>
</context>
<context>
    <name>PhoneWindow</name>
    <message>
        <source>Incoming call to {phone}</source>
        <extracomment>Players tried in order; each takes the WAV file as its only argument. Fallback polling, for a folder that does not exist yet or a file system without notifications.</extracomment>
        <translation>来电:{phone}</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <source>No audio player on this system; transcript:</source>
        <translation>此系统没有音频播放器;文字记录:</translation>
    </message>
    <message>
        <source>The call could not be played; transcript:</source>
        <translation>无法播放回呼;文字记录:</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>手机</translation>
    </message>
    <message>
        <source>Messages and calls</source>
        <translation>短信和来电</translation>
    </message>
    <message>
        <source>No messages yet.</source>
        <translation>暂无短信。</translation>
    </message>
</context>
<context>
    <name>SelectDevicePage</name>
    <message>
        <source>Select second factor device</source>
        <translation>选择双因素验证设备</translation>
    </message>
    <message>
        <source>You have several active security devices. Choose the one to use now.</source>
        <translation>您有多个活跃的安全设备。请选择此次要使用的设备。</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>继续</translation>
    </message>
</context>
<context>
    <name>SmsPage</name>
    <message>
        <source>The code is valid for {time}</source>
        <translation>代码有效时间:{time}</translation>
    </message>
    <message>
        <source>Expected call within {time}</source>
        <translation>预计回呼时间:{time}内</translation>
    </message>
    <message>
        <source>Security code by SMS</source>
        <translation>短信安全代码</translation>
    </message>
    <message>
        <source>A call will read the security code to {phone}.</source>
        <translation>回呼将向{phone}读出安全代码。</translation>
    </message>
    <message>
        <source>A security code was sent by SMS to {phone}.</source>
        <translation>安全代码已通过短信发送至{phone}。</translation>
    </message>
    <message>
        <source>6-digit security code</source>
        <translation>6位数安全代码</translation>
    </message>
    <message>
        <source>Enter the security code and click &lt;b&gt;Log In&lt;/b&gt;.</source>
        <translation>输入安全代码,然后点击&lt;b&gt;登录&lt;/b&gt;。</translation>
    </message>
    <message>
        <source>Didn&apos;t receive a security code?</source>
        <translation>没收到安全代码?</translation>
    </message>
    <message>
        <source>Request new security code</source>
        <translation>请求新的安全代码</translation>
    </message>
    <message>
        <source>SMS</source>
        <translation>短信</translation>
    </message>
    <message>
        <source>Voice</source>
        <translation>语音</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>确定</translation>
    </message>
</context>
<context>
    <name>WorkstationWindow</name>
    <message>
        <source>TWS Companion Workstation</source>
        <translation>TWS Companion 工作站</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>Log Out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <source>Logged in as {user}</source>
        <translation>已登录:{user}</translation>
    </message>
    <message>
        <source>full access</source>
        <translation>完全访问</translation>
    </message>
    <message>
        <source>Client Portal only, to print the Online Security Code Card</source>
        <translation>仅限客户端,用于打印在线安全代码卡</translation>
    </message>
    <message>
        <source>Server: {server}
Session: {scope}
Settings on server: {server_settings}

The workstation&apos;s panels and layout settings come with the next release.</source>
        <translation>服务器:{server}
会话:{scope}
服务器上的设置:{server_settings}

工作站的面板和布局设置将在下一版本中提供。</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
</context>
<context>
    <name>_AndroidPage</name>
    <message>
        <source>Type the PIN you chose when you activated IB Key and the challenge code.</source>
        <translation>输入您激活IB Key时设置的PIN码和挑战码。</translation>
    </message>
    <message>
        <source>PIN</source>
        <translation>PIN码</translation>
    </message>
</context>
<context>
    <name>_IosPage</name>
    <message>
        <source>Type the challenge code, then use Touch ID or Face ID.</source>
        <translation>输入挑战码,然后使用Touch ID或Face ID。</translation>
    </message>
    <message>
        <source>Place your finger on the Home Button</source>
        <translation>将手指放在主屏幕按钮上</translation>
    </message>
    <message>
        <source>Touch ID</source>
        <translation>Touch ID</translation>
    </message>
</context>
<context>
    <name>_PlatformPage</name>
    <message>
        <source>Enter the {digits}-digit challenge code shown at login.</source>
        <translation>输入登录时显示的{digits}位数挑战码。</translation>
    </message>
    <message>
        <source>Challenge Code</source>
        <translation>挑战码</translation>
    </message>
    <message>
        <source>Generate Passcode</source>
        <translation>生成通关码</translation>
    </message>
</context>
</TS>
