<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AboutDialog</name>
    <message>
        <source>About TWS Companion</source>
        <extracomment>The distribution whose metadata holds the license (pyproject.toml&apos;s ``project.name``). The SPDX expression of ``project.license``; ``None`` when no metadata is installed (the package run from a source folder that was never installed).</extracomment>
        <translation>关于 TWS Companion</translation>
    </message>
    <message>
        <source>TWS Companion</source>
        <translation>TWS Companion</translation>
    </message>
    <message>
        <source>Desktop companion for a trading workstation: the Secure Login System, layout settings and support tools.</source>
        <translation>交易工作站的桌面助手:安全登录系统、布局设置和支持工具。</translation>
    </message>
    <message>
        <source>&amp;Version:</source>
        <translation>版本(&amp;V):</translation>
    </message>
    <message>
        <source>&amp;Qt:</source>
        <translation>Qt(&amp;Q):</translation>
    </message>
    <message>
        <source>Py&amp;Side6:</source>
        <translation>PySide6(&amp;S):</translation>
    </message>
    <message>
        <source>P&amp;ython:</source>
        <translation>Python(&amp;Y):</translation>
    </message>
    <message>
        <source>&amp;License:</source>
        <translation>许可证(&amp;L):</translation>
    </message>
    <message>
        <source>not recorded</source>
        <translation>未记录</translation>
    </message>
    <message>
        <source>C&amp;opy</source>
        <translation>复制(&amp;O)</translation>
    </message>
    <message>
        <source>Copy these versions to the clipboard, for a support request</source>
        <translation>将这些版本信息复制到剪贴板,用于支持请求</translation>
    </message>
</context>
<context>
    <name>AddUserScreen</name>
    <message>
        <source>Add User</source>
        <translation>添加用户</translation>
    </message>
    <message>
        <source>Enter the user name and password of the user to add to IB Key on this phone, then tap Continue. An Authentication Code will be sent via SMS to the mobile phone number listed on the account.</source>
        <translation>输入要添加到本手机IB Key的用户的用户名和密码,然后点击继续。验证码将通过短信发送至账户上登记的手机号码。</translation>
    </message>
    <message>
        <source>&amp;User Name</source>
        <translation>用户名(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Password</source>
        <translation>密码(&amp;P)</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>An Authentication Code was sent via SMS to {phone}. Enter it in the Activation Code field.</source>
        <translation>验证码已通过短信发送至{phone}。请将其输入激活码栏。</translation>
    </message>
    <message>
        <source>&amp;Activation Code</source>
        <translation>激活码(&amp;A)</translation>
    </message>
    <message>
        <source>P&amp;IN</source>
        <translation>PIN码(&amp;I)</translation>
    </message>
    <message>
        <source>Provide your PIN: {min} to {max} letters, digits or symbols, the one chosen at your first activation.</source>
        <translation>请提供您的PIN码:{min}至{max}位字母、数字或符号,即首次激活时设置的PIN码。</translation>
    </message>
    <message>
        <source>Activating uses your Passcode, Touch ID or Face ID: the PIN stays in the phone&apos;s secure store.</source>
        <translation>激活时将使用您的密码、Touch ID或Face ID:PIN码保存在手机的安全存储中。</translation>
    </message>
    <message>
        <source>Activate</source>
        <translation>激活</translation>
    </message>
    <message>
        <source>Activation successful: IB Key is active for {user} on this phone.</source>
        <translation>激活成功:本手机上的IB Key已为{user}启用。</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
</context>
<context>
    <name>Amounts</name>
    <message>
        <source>{amount} USD</source>
        <extracomment>The columns of the device list.</extracomment>
        <translation>{amount}美元</translation>
    </message>
    <message>
        <source>Unlimited</source>
        <translation>不限</translation>
    </message>
    <message>
        <source>No withdrawals</source>
        <translation>不可取款</translation>
    </message>
    <message>
        <source>Not known</source>
        <translation>未知</translation>
    </message>
</context>
<context>
    <name>Application</name>
    <message>
        <source>Settings on the server need a login with full access: this login (Client Portal only) uses the settings of this computer.</source>
        <extracomment>Whether make_client was submitted to the worker. Whether the collector was running when make_client paused it. Whether the preferences file was made owner-only (on the worker, once: after the login window&apos;s first paint, see _login_painted). The server settings of the login being opened or shown (the option on). The message saying a backup replaced a damaged settings file, while it shows. Whether a workstation was left with Log Out (cancelling the login then asks first). Whether the app&apos;s log file is written (the process&apos;s app: ``run``), once the login window has painted.</extracomment>
        <translation>服务器上的设置需要具有完全访问权限的登录：此次登录（仅限客户端门户）使用本计算机的设置。</translation>
    </message>
    <message>
        <source>Settings Recovered</source>
        <translation>设置已恢复</translation>
    </message>
    <message>
        <source>Your settings file was damaged and could not be read.</source>
        <translation>您的设置文件已损坏,无法读取。</translation>
    </message>
    <message>
        <source>It was set aside at {path}, and the last good backup is in use. Use File &gt; Layout Settings &gt; Layout/Settings Recovery to choose another backup.</source>
        <translation>已将其移至{path},现正使用最近一个完好的备份。如需选择其它备份,请使用“文件 &gt; 布局设置 &gt; 布局/设置恢复”。</translation>
    </message>
    <message>
        <source>Your settings are already open in another TWS Companion on this computer. Switch to that window, or close it, then log in again.</source>
        <translation>您的设置已在此电脑上的另一个TWS Companion中打开。请切换到该窗口,或将其关闭,然后重新登录。</translation>
    </message>
    <message>
        <source>Your settings could not be opened: {reason}</source>
        <translation>无法打开您的设置:{reason}</translation>
    </message>
    <message>
        <source>TWS Companion</source>
        <translation>TWS Companion</translation>
    </message>
    <message>
        <source>Quit the Demo</source>
        <translation>退出演示</translation>
    </message>
    <message>
        <source>Quit the demo? The device simulators close too.</source>
        <translation>退出演示?设备模拟器也将关闭。</translation>
    </message>
    <message>
        <source>Quit TWS Companion</source>
        <translation>退出TWS Companion</translation>
    </message>
    <message>
        <source>Quit TWS Companion?</source>
        <translation>退出TWS Companion?</translation>
    </message>
</context>
<context>
    <name>ChangePinScreen</name>
    <message>
        <source>Change PIN</source>
        <translation>更改PIN码</translation>
    </message>
    <message>
        <source>&amp;User Name</source>
        <translation>用户名(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Password</source>
        <translation>密码(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Current PIN</source>
        <translation>当前PIN码(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;New PIN</source>
        <translation>新的PIN码(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Repeat New PIN</source>
        <translation>重复新的PIN码(&amp;R)</translation>
    </message>
    <message>
        <source>Submit</source>
        <translation>提交</translation>
    </message>
    <message>
        <source>If you do not know your current PIN, call Client Services (ibkr.com/support) to reset it.</source>
        <translation>如果不知道当前的PIN码,您需要直接致电盈透证券客服进行重置。客服电话请见:ibkr.com/support</translation>
    </message>
    <message>
        <source>A text message with an SMS Code was sent to {phone}. Enter it below.</source>
        <translation>带有短信代码的短信已发送至{phone}。请在下方输入。</translation>
    </message>
    <message>
        <source>&amp;SMS Code</source>
        <translation>短信代码(&amp;S)</translation>
    </message>
    <message>
        <source>Submit Pin Change</source>
        <translation>提交PIN码更改</translation>
    </message>
    <message>
        <source>PIN change successfully processed. Use the new PIN from now on, also to log in to the trading platform.</source>
        <translation>PIN码成功更改。今后请使用新的PIN码,登录客户端或交易平台时也是如此。</translation>
    </message>
    <message>
        <source>Go to start page</source>
        <translation>完成</translation>
    </message>
</context>
<context>
    <name>ChartPanel</name>
    <message>
        <source>&amp;Symbol:</source>
        <extracomment>Most candles drawn, however wide the chart. Shown instead of candles when there is no symbol (set by the panel, translated). Shown when the bar size is one this version cannot draw.</extracomment>
        <translation>代码(&amp;S):</translation>
    </message>
    <message>
        <source>Chart symbol</source>
        <translation>图表代码</translation>
    </message>
    <message>
        <source>e.g. SPY</source>
        <translation>例如SPY</translation>
    </message>
    <message>
        <source>&amp;Bar size:</source>
        <translation>柱尺寸(&amp;B):</translation>
    </message>
    <message>
        <source>Bar size</source>
        <translation>柱尺寸</translation>
    </message>
    <message>
        <source>Type a symbol and press Enter to see its chart.</source>
        <translation>输入代码并按回车键查看其图表。</translation>
    </message>
    <message>
        <source>This bar size cannot be shown.</source>
        <translation>无法显示此柱尺寸。</translation>
    </message>
    <message>
        <source>Price chart</source>
        <translation>价格图表</translation>
    </message>
</context>
<context>
    <name>CodeCardPage</name>
    <message>
        <source>Index {index}</source>
        <extracomment>The field the focus was just moved on to, until something is typed or it is left.</extracomment>
        <translation>索引号 {index}</translation>
    </message>
    <message>
        <source>Find the index numbers on your card and enter the {length}-character value next to each, without spaces.</source>
        <translation>在您的安全代码卡上找到这些索引号,分别输入其旁边的{length}位字符代码,不要加空格。</translation>
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
    <name>ComparisonTree</name>
    <message>
        <source>Difference</source>
        <extracomment>At most this many rows of one watchlist (of each side), or panels of one workspace, are listed; the rest are counted. At most this many watchlist rows are listed in all (a large layout&apos;s rows are counted). A machine name from the server is cut to this many characters (the server&apos;s own limit). A note&apos;s text is cut to this many characters in the comparison. The size of the dialog with the comparison open (shrunk to the screen). How much taller the dialog grows to show that there are no differences. What a side without the item shows.</extracomment>
        <translation>差异</translation>
    </message>
    <message>
        <source>This computer</source>
        <translation>此电脑</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <source>Differences between this computer and the server</source>
        <translation>此电脑与服务器之间的差异</translation>
    </message>
    <message>
        <source>No differences: both copies hold the same settings.</source>
        <translation>没有差异:两份副本的设置相同。</translation>
    </message>
    <message>
        <source>Workspaces</source>
        <translation>工作区</translation>
    </message>
    <message>
        <source>Watchlist rows</source>
        <translation>观察列表行</translation>
    </message>
    <message>
        <source>Color groups</source>
        <translation>颜色组</translation>
    </message>
    <message>
        <source>Global Configuration</source>
        <translation>全局配置</translation>
    </message>
    <message>
        <source>Settings written by a newer version</source>
        <translation>较新版本写入的设置</translation>
    </message>
    <message>
        <source>only here</source>
        <translation>仅此处有</translation>
    </message>
    <message>
        <source>differ</source>
        <translation>不同</translation>
    </message>
    <message>
        <source>… and {count} more</source>
        <translation>… 及另外 {count} 个</translation>
    </message>
    <message>
        <source>(no name)</source>
        <translation>(无名称)</translation>
    </message>
    <message>
        <source>1 panel</source>
        <translation>1 个面板</translation>
    </message>
    <message>
        <source>{count} panels</source>
        <translation>{count} 个面板</translation>
    </message>
    <message>
        <source>{title} ({kind})</source>
        <translation>{title} ({kind})</translation>
    </message>
    <message>
        <source>moved</source>
        <translation>已移动</translation>
    </message>
    <message>
        <source>settings written by a newer version</source>
        <translation>较新版本写入的设置</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>{panel}: {what}</source>
        <translation>{panel}:{what}</translation>
    </message>
    <message>
        <source>{workspace} › {watchlist}</source>
        <translation>{workspace} › {watchlist}</translation>
    </message>
    <message>
        <source>The same rows in another order</source>
        <translation>行相同,但顺序不同</translation>
    </message>
    <message>
        <source>1 row</source>
        <translation>1 行</translation>
    </message>
    <message>
        <source>{count} rows</source>
        <translation>{count} 行</translation>
    </message>
    <message>
        <source>(no symbol)</source>
        <translation>(无代码)</translation>
    </message>
    <message>
        <source>{symbol} ({exchange})</source>
        <translation>{symbol} ({exchange})</translation>
    </message>
    <message>
        <source>Tab position</source>
        <translation>标签位置</translation>
    </message>
    <message>
        <source>{rows}, not the same</source>
        <translation>{rows},但内容不同</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>模式</translation>
    </message>
    <message>
        <source>Workspace shown</source>
        <translation>当前显示的工作区</translation>
    </message>
    <message>
        <source>Auto log-off time</source>
        <translation>自动退出登录时间</translation>
    </message>
    <message>
        <source>Warn before log-off</source>
        <translation>退出登录前提醒</translation>
    </message>
    <message>
        <source>Lock when idle</source>
        <translation>闲置锁定</translation>
    </message>
    <message>
        <source>Auto-save settings</source>
        <translation>自动保存设置</translation>
    </message>
    <message>
        <source>Save settings on exit</source>
        <translation>退出时保存设置</translation>
    </message>
    <message>
        <source>Use/store settings on server</source>
        <translation>使用/在服务器上存储设置</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>Font size</source>
        <translation>字体大小</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Color</source>
        <translation>颜色</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Place in the workspace</source>
        <translation>在工作区中的位置</translation>
    </message>
    <message>
        <source>Docked at</source>
        <translation>停靠位置</translation>
    </message>
    <message>
        <source>Color group</source>
        <translation>颜色组</translation>
    </message>
    <message>
        <source>Symbol</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>行动</translation>
    </message>
    <message>
        <source>Order type</source>
        <translation>订单类型</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Time in force</source>
        <translation>生效时间</translation>
    </message>
    <message>
        <source>Outside regular trading hours</source>
        <translation>常规交易时间以外</translation>
    </message>
    <message>
        <source>Bar size</source>
        <translation>柱尺寸</translation>
    </message>
    <message>
        <source>Columns</source>
        <translation>列</translation>
    </message>
    <message>
        <source>Show zero positions</source>
        <translation>显示零持仓</translation>
    </message>
    <message>
        <source>News sources</source>
        <translation>新闻源</translation>
    </message>
    <message>
        <source>Keyword</source>
        <translation>关键字</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>Rows</source>
        <translation>行</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>Mosaic</source>
        <translation>综合交易界面</translation>
    </message>
    <message>
        <source>Classic</source>
        <translation>经典交易界面</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>(empty)</source>
        <translation>(空)</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(无)</translation>
    </message>
    <message>
        <source>{minutes} min before</source>
        <translation>提前{minutes}分钟</translation>
    </message>
    <message>
        <source>after {minutes} min</source>
        <translation>{minutes}分钟后</translation>
    </message>
    <message>
        <source>every {minutes} min</source>
        <translation>每{minutes}分钟</translation>
    </message>
    <message>
        <source>{size} pt</source>
        <translation>{size} 磅</translation>
    </message>
    <message>
        <source>position {number}</source>
        <translation>第 {number} 个</translation>
    </message>
    <message>
        <source>never</source>
        <translation>从不</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Left</source>
        <translation>左侧</translation>
    </message>
    <message>
        <source>Right</source>
        <translation>右侧</translation>
    </message>
    <message>
        <source>Top</source>
        <translation>顶部</translation>
    </message>
    <message>
        <source>Bottom</source>
        <translation>底部</translation>
    </message>
    <message>
        <source>Floating window</source>
        <translation>浮动窗口</translation>
    </message>
</context>
<context>
    <name>CredentialsPage</name>
    <message>
        <source>User Name</source>
        <extracomment>How often the steps after the first paint look whether the worker is done (milliseconds). The width the window opens with (it grows when what it shows needs more).</extracomment>
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
    <name>DeviceKinds</name>
    <message>
        <source>Digital Security Card+</source>
        <translation>数码安全卡+</translation>
    </message>
    <message>
        <source>IB Key</source>
        <translation>IB Key(移动IBKR)</translation>
    </message>
    <message>
        <source>Security Code Card</source>
        <translation>安全代码卡</translation>
    </message>
    <message>
        <source>SMS</source>
        <translation>短信</translation>
    </message>
    <message>
        <source>Temporary passcode</source>
        <translation>临时密码</translation>
    </message>
    <message>
        <source>Online Security Code Card</source>
        <translation>在线安全代码卡</translation>
    </message>
    <message>
        <source>Digital Security Card</source>
        <translation>数码安全卡</translation>
    </message>
    <message>
        <source>Gold Card</source>
        <translation>金卡</translation>
    </message>
    <message>
        <source>Platinum Card</source>
        <translation>铂金卡</translation>
    </message>
    <message>
        <source>{kind}: {label}</source>
        <translation>{kind}:{label}</translation>
    </message>
</context>
<context>
    <name>DevicePage</name>
    <message>
        <source>Time left to respond: {time}</source>
        <extracomment>The submit button&apos;s text, read on every language change: &quot;Log In&quot; when ``None``; another use of the page sets its own (the identity check&apos;s &quot;Continue&quot;).</extracomment>
        <translation>剩余响应时间:{time}</translation>
    </message>
    <message>
        <source>Log In</source>
        <translation>登录</translation>
    </message>
</context>
<context>
    <name>DeviceSharingDialog</name>
    <message>
        <source>Your sharing requests could not be loaded: {reason}</source>
        <extracomment>The purpose of the identity check made with the device owner&apos;s credentials. The columns of the list of requests. The call loading the user&apos;s requests. The approval of the owner&apos;s device, between the identity check and the request (a secret: used once, then dropped). The owner&apos;s user name, as typed in the identity check, and the kind of the device that answered. The request sent and what the server answered: the request, or why it was refused. The user&apos;s requests (``None`` until loaded).</extracomment>
        <translation>无法加载您的共享请求:{reason}</translation>
    </message>
    <message>
        <source>{kind}: {label}</source>
        <translation>{kind}:{label}</translation>
    </message>
    <message>
        <source>You have no sharing requests.</source>
        <translation>您没有共享请求。</translation>
    </message>
    <message>
        <source>Pending compliance approval</source>
        <translation>待合规部门批准</translation>
    </message>
    <message>
        <source>Approved</source>
        <translation>已批准</translation>
    </message>
    <message>
        <source>Refused</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <source>Enter the credentials of the device owner: the user whose device offers the highest level of protection, NOT your own. Then answer the challenge of the device to share.</source>
        <translation>请输入设备所有者(即设备保护等级最高的使用者,不是您自己)的登录信息,然后回应将要共享的设备的挑战码。</translation>
    </message>
    <message>
        <source>Sending the sharing request…</source>
        <translation>正在发送共享请求…</translation>
    </message>
    <message>
        <source>Sharing refused</source>
        <translation>共享被拒绝</translation>
    </message>
    <message>
        <source>Sharing approved</source>
        <translation>共享已批准</translation>
    </message>
    <message>
        <source>The {device} of {owner} is now shared with your user name: it is one of your devices from now on.</source>
        <translation>{owner}的{device}现已与您的用户名共享:从现在起它是您的设备之一。</translation>
    </message>
    <message>
        <source>Your request to share the {device} of {owner} needs the approval of our Compliance department; it stays pending until that is given.</source>
        <translation>您共享{owner}的{device}的请求需要我们合规部门的批准;在批准完成前,请求会保持待定状态。</translation>
    </message>
    <message>
        <source>Share a device</source>
        <translation>共享设备</translation>
    </message>
    <message>
        <source>Share a security device</source>
        <translation>共享安全设备</translation>
    </message>
    <message>
        <source>Instead of one physical security device per user name, your user names can share one device, if ALL of these hold:&lt;ul&gt;&lt;li&gt;the users belong to the same entity, or to entities with the same identification data (date of birth, citizenship, country of legal residence, identification document);&lt;/li&gt;&lt;li&gt;none of the users has a temporary security device (temporary passcode, Online Security Code Card);&lt;/li&gt;&lt;li&gt;the shared device is the one with the highest level of protection: the Digital Security Card+ (highest) before the Security Code Card (lowest).&lt;/li&gt;&lt;/ul&gt;The user that device belongs to is the &lt;b&gt;device owner&lt;/b&gt;. Click Continue, enter the device owner&apos;s credentials and answer that device&apos;s challenge.&lt;br&gt;IB Key needs no sharing: add a user in IBKR Mobile (Authenticate &amp;gt; Add User).</source>
        <translation>您名下的多个用户名可以共享一个实物安全设备,无需每个用户名各持一个,但必须满足下列所有条件:&lt;ul&gt;&lt;li&gt;参与使用者属于同一实体;或虽属于不同实体但身份信息相同(出生日期、国籍、法定居住国家、身份文件);&lt;/li&gt;&lt;li&gt;参与使用者当前没有临时安全设备(临时码、在线安全代码卡);&lt;/li&gt;&lt;li&gt;必须共享具有最高保护等级的设备:数码安全卡+(最高)优先于安全代码卡(最低)。&lt;/li&gt;&lt;/ul&gt;该设备所属的使用者即&lt;b&gt;设备所有者&lt;/b&gt;。点击继续,输入设备所有者的登录信息,然后回应该设备的挑战码。&lt;br&gt;IB Key无需共享:请在移动IBKR中添加使用者(验证 &amp;gt; 添加使用者)。</translation>
    </message>
    <message>
        <source>Review the request</source>
        <translation>检查请求</translation>
    </message>
    <message>
        <source>Share the {device} of {owner} with your user name {user}? Check that this is right, then click Continue.</source>
        <translation>将{owner}的{device}与您的用户名{user}共享?检查信息是否正确,然后点击继续。</translation>
    </message>
    <message>
        <source>Your sharing requests</source>
        <translation>您的共享请求</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>所有者</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Requested on</source>
        <translation>请求日期</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>确定</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>DeviceStatus</name>
    <message>
        <source>Active</source>
        <translation>活跃</translation>
    </message>
    <message>
        <source>Locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <source>Revoked</source>
        <translation>已撤销</translation>
    </message>
</context>
<context>
    <name>Doctor</name>
    <message>
        <source>Server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <source>Certificate</source>
        <translation>证书</translation>
    </message>
    <message>
        <source>Clock</source>
        <translation>时钟</translation>
    </message>
    <message>
        <source>Keyring</source>
        <translation>密钥环</translation>
    </message>
    <message>
        <source>Settings folder</source>
        <translation>设置文件夹</translation>
    </message>
    <message>
        <source>Free space</source>
        <translation>可用空间</translation>
    </message>
    <message>
        <source>Display</source>
        <translation>显示器</translation>
    </message>
    <message>
        <source>Chinese fonts</source>
        <translation>中文字体</translation>
    </message>
    <message>
        <source>TWS API</source>
        <translation>TWS API</translation>
    </message>
    <message>
        <source>eSignal dbcapi.dll</source>
        <translation>eSignal dbcapi.dll</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>正在检查…</translation>
    </message>
    <message>
        <source>Reached {url} in {ms} ms (server version {version}).</source>
        <translation>已在 {ms} 毫秒内连接到 {url}(服务器版本 {version})。</translation>
    </message>
    <message>
        <source>{url} is not a usable server address: {reason}.</source>
        <translation>{url} 不是可用的服务器地址:{reason}。</translation>
    </message>
    <message>
        <source>Give the address as https://host[:port] (ask your administrator for it).</source>
        <translation>请以 https://主机[:端口] 的形式填写地址(可向您的管理员索取)。</translation>
    </message>
    <message>
        <source>{url} cannot be reached: {reason}.</source>
        <translation>无法连接 {url}:{reason}。</translation>
    </message>
    <message>
        <source>Check the server address and your network connection, and whether the server runs.</source>
        <translation>请检查服务器地址和网络连接,并确认服务器正在运行。</translation>
    </message>
    <message>
        <source>{url} did not answer in time.</source>
        <translation>{url} 未及时响应。</translation>
    </message>
    <message>
        <source>Try again later; if it goes on, tell the server&apos;s administrator.</source>
        <translation>请稍后重试;如果问题持续,请告知服务器管理员。</translation>
    </message>
    <message>
        <source>No secure connection to {url}: {reason}.</source>
        <translation>无法与 {url} 建立安全连接:{reason}。</translation>
    </message>
    <message>
        <source>See the certificate check.</source>
        <translation>请参阅证书检查。</translation>
    </message>
    <message>
        <source>{url} answered, but not as a TWS Companion server: {reason}.</source>
        <translation>{url} 有响应,但不是 TWS Companion 服务器:{reason}。</translation>
    </message>
    <message>
        <source>Check the server address: scheme (https), host and port.</source>
        <translation>请检查服务器地址:协议(https)、主机和端口。</translation>
    </message>
    <message>
        <source>The certificate of {host} is valid for {days} more days (until {date}).</source>
        <translation>{host} 的证书还有 {days} 天有效(至 {date})。</translation>
    </message>
    <message>
        <source>The certificate of {host} expires in {days} days ({date}).</source>
        <translation>{host} 的证书将在 {days} 天后过期({date})。</translation>
    </message>
    <message>
        <source>Tell the server&apos;s administrator to renew it before then.</source>
        <translation>请告知服务器管理员在此之前续期证书。</translation>
    </message>
    <message>
        <source>The certificate of {host} expired {days} days ago ({date}).</source>
        <translation>{host} 的证书已于 {days} 天前过期({date})。</translation>
    </message>
    <message>
        <source>Check that this computer&apos;s date is right; if it is, the server&apos;s administrator must renew the certificate. Do not log in until this is fixed.</source>
        <translation>请检查此电脑的日期是否正确;如果正确,则需由服务器管理员续期证书。问题解决前请勿登录。</translation>
    </message>
    <message>
        <source>The certificate of {host} is not trusted: {reason}.</source>
        <translation>{host} 的证书不受信任:{reason}。</translation>
    </message>
    <message>
        <source>Check the server address; if it is right, the server&apos;s administrator must install a certificate from a trusted authority. Do not log in until this is fixed.</source>
        <translation>请检查服务器地址;如果地址正确,则需由服务器管理员安装受信任机构颁发的证书。问题解决前请勿登录。</translation>
    </message>
    <message>
        <source>The certificate of {host} could not be read: {reason}.</source>
        <translation>无法读取 {host} 的证书:{reason}。</translation>
    </message>
    <message>
        <source>See the server check.</source>
        <translation>请参阅服务器检查。</translation>
    </message>
    <message>
        <source>The connection to {host} is not encrypted (http://).</source>
        <translation>与 {host} 的连接未加密(http://)。</translation>
    </message>
    <message>
        <source>Use the server&apos;s https:// address: the app sends no password over plain http to another computer.</source>
        <translation>请使用服务器的 https:// 地址:本程序不会通过未加密的 http 向其他电脑发送密码。</translation>
    </message>
    <message>
        <source>The server runs on this computer ({host}): no encryption is needed.</source>
        <translation>服务器运行在此电脑上({host}):无需加密。</translation>
    </message>
    <message>
        <source>This computer&apos;s clock agrees with the server&apos;s (within {seconds} s).</source>
        <translation>此电脑的时钟与服务器一致(误差在 {seconds} 秒内)。</translation>
    </message>
    <message>
        <source>This computer&apos;s clock is {seconds} s ahead of the server&apos;s.</source>
        <translation>此电脑的时钟比服务器快 {seconds} 秒。</translation>
    </message>
    <message>
        <source>Turn on automatic date and time (network time) in the system settings: challenges are valid for {challenge} s and SMS codes for {code} s.</source>
        <translation>请在系统设置中开启自动设置日期和时间(网络时间):挑战码的有效期为 {challenge} 秒,短信安全代码为 {code} 秒。</translation>
    </message>
    <message>
        <source>This computer&apos;s clock is {seconds} s behind the server&apos;s.</source>
        <translation>此电脑的时钟比服务器慢 {seconds} 秒。</translation>
    </message>
    <message>
        <source>The server did not tell its time, so the clocks could not be compared.</source>
        <translation>服务器未提供其时间,因此无法比较时钟。</translation>
    </message>
    <message>
        <source>Not checked: the server was not reached.</source>
        <translation>未检查:无法连接服务器。</translation>
    </message>
    <message>
        <source>Secrets are kept in {backend}.</source>
        <translation>机密信息保存在 {backend} 中。</translation>
    </message>
    <message>
        <source>The keyring {backend} would keep secrets in a plain or weakly protected file, or not at all.</source>
        <translation>密钥环 {backend} 会将机密信息保存在未加密或保护薄弱的文件中,或根本无法保存。</translation>
    </message>
    <message>
        <source>Install and unlock a Secret Service (GNOME Keyring, KWallet), or use the macOS Keychain or the Windows Credential Locker; remove keyrings.alt.</source>
        <translation>请安装并解锁 Secret Service(GNOME Keyring、KWallet),或使用 macOS 钥匙串或 Windows 凭据管理器;并移除 keyrings.alt。</translation>
    </message>
    <message>
        <source>The keyring {backend} cannot be used: {reason}.</source>
        <translation>无法使用密钥环 {backend}:{reason}。</translation>
    </message>
    <message>
        <source>Unlock the keyring (it opens with your desktop login), then check again.</source>
        <translation>请解锁密钥环(登录桌面时会自动打开),然后重新检查。</translation>
    </message>
    <message>
        <source>The settings folder {path} is writable.</source>
        <translation>设置文件夹 {path} 可写入。</translation>
    </message>
    <message>
        <source>The settings folder {path} cannot be written: {reason}.</source>
        <translation>无法写入设置文件夹 {path}:{reason}。</translation>
    </message>
    <message>
        <source>Give yourself write permission on it, or choose another folder with --home or TWS_COMPANION_HOME.</source>
        <translation>请为自己授予该文件夹的写入权限,或通过 --home 或 TWS_COMPANION_HOME 选择其他文件夹。</translation>
    </message>
    <message>
        <source>{free} free on the drive of the settings folder.</source>
        <translation>设置文件夹所在驱动器的可用空间为 {free}。</translation>
    </message>
    <message>
        <source>Only {free} free on the drive of the settings folder.</source>
        <translation>设置文件夹所在驱动器的可用空间仅剩 {free}。</translation>
    </message>
    <message>
        <source>Free some space soon: every save of the settings keeps a backup.</source>
        <translation>请尽快释放一些空间:每次保存设置都会保留一份备份。</translation>
    </message>
    <message>
        <source>Only {free} free on the drive of the settings folder: settings cannot be saved safely.</source>
        <translation>设置文件夹所在驱动器的可用空间仅剩 {free}:无法安全地保存设置。</translation>
    </message>
    <message>
        <source>Free some space on that drive, then check again.</source>
        <translation>请释放该驱动器上的一些空间,然后重新检查。</translation>
    </message>
    <message>
        <source>The free space of {path} could not be measured: {reason}.</source>
        <translation>无法测量 {path} 的可用空间:{reason}。</translation>
    </message>
    <message>
        <source>A display is available ({name}).</source>
        <translation>有可用的显示器({name})。</translation>
    </message>
    <message>
        <source>No display is available (DISPLAY and WAYLAND_DISPLAY are not set).</source>
        <translation>没有可用的显示器(未设置 DISPLAY 和 WAYLAND_DISPLAY)。</translation>
    </message>
    <message>
        <source>Run the app in a desktop session, or on a virtual display: xvfb-run -a tws-companion</source>
        <translation>请在桌面会话中运行本程序,或在虚拟显示器上运行:xvfb-run -a tws-companion</translation>
    </message>
    <message>
        <source>Fonts that can show Chinese (简体中文): {fonts}.</source>
        <translation>可显示中文(简体中文)的字体:{fonts}。</translation>
    </message>
    <message>
        <source>No installed font can show Chinese (简体中文).</source>
        <translation>已安装的字体均无法显示中文(简体中文)。</translation>
    </message>
    <message>
        <source>Install a Chinese font; on Debian or Ubuntu: sudo apt-get install fonts-noto-cjk</source>
        <translation>请安装中文字体;在 Debian 或 Ubuntu 上:sudo apt-get install fonts-noto-cjk</translation>
    </message>
    <message>
        <source>The fonts could not be listed: {reason}.</source>
        <translation>无法列出字体:{reason}。</translation>
    </message>
    <message>
        <source>Install fontconfig (fc-list), or check the fonts from Help &gt; Check My Setup.</source>
        <translation>请安装 fontconfig(fc-list),或通过“帮助 &gt; 检查我的设置”检查字体。</translation>
    </message>
    <message>
        <source>The TWS API components are in {path} (samples and source).</source>
        <translation>TWS API组件位于 {path}(包含 samples 和 source)。</translation>
    </message>
    <message>
        <source>The TWS API components are not installed ({path} not found).</source>
        <translation>未安装TWS API组件(未找到 {path})。</translation>
    </message>
    <message>
        <source>Download twsapi_macunix.N.M.zip from the API Software Download List, then install it with: tws-companion doctor --install-api ~/Downloads/twsapi_macunix.N.M.zip</source>
        <translation>请从API软件下载列表下载 twsapi_macunix.N.M.zip,然后用以下命令安装:tws-companion doctor --install-api ~/Downloads/twsapi_macunix.N.M.zip</translation>
    </message>
    <message>
        <source>{path} lacks {missing}: the TWS API components are incomplete.</source>
        <translation>{path} 缺少 {missing}:TWS API组件不完整。</translation>
    </message>
    <message>
        <source>Install them again from twsapi_macunix.N.M.zip: tws-companion doctor --install-api ZIP --replace (the old folder is kept beside it).</source>
        <translation>请从 twsapi_macunix.N.M.zip 重新安装:tws-companion doctor --install-api ZIP --replace(旧文件夹会保留在旁边)。</translation>
    </message>
    <message>
        <source>No {path}: the eSignal data feed is not set up.</source>
        <translation>没有 {path}:未设置 eSignal 数据源。</translation>
    </message>
    <message>
        <source>{path} is eSignal 12&apos;s 32-bit library (dbcapi_vc8.dll).</source>
        <translation>{path} 是 eSignal 12 的32位库(dbcapi_vc8.dll)。</translation>
    </message>
    <message>
        <source>{path} is {bits}-bit; eSignal 12 (dbcapi_vc8.dll) was not found to compare it with.</source>
        <translation>{path} 为{bits}位;未找到可用于比较的 eSignal 12(dbcapi_vc8.dll)。</translation>
    </message>
    <message>
        <source>{path} is 64-bit: &quot;Library dbcapi.dll cannot be loaded&quot; with 32-bit eSignal.</source>
        <translation>{path} 为64位:与32位 eSignal 一起使用时会出现“Library dbcapi.dll cannot be loaded”(无法加载 dbcapi.dll 库)。</translation>
    </message>
    <message>
        <source>Install the 32-bit TWS (Download Trader Workstation, TWS Latest, Download for Other Operating Systems, Windows 32-bit) and the 32-bit eSignal.</source>
        <translation>请安装32位TWS(下载交易平台 &gt; TWS最新版 &gt; 下载其他操作系统版本 &gt; Windows 32位)和32位 eSignal。</translation>
    </message>
    <message>
        <source>{path} ({bits}-bit) is not eSignal 12&apos;s library ({esignal}, {esignal_bits}-bit): &quot;Library dbcapi.dll cannot be loaded&quot;.</source>
        <translation>{path}({bits}位)不是 eSignal 12 的库({esignal},{esignal_bits}位):“Library dbcapi.dll cannot be loaded”(无法加载 dbcapi.dll 库)。</translation>
    </message>
    <message>
        <source>Rename {path} to dbcapi_old.dll and copy dbcapi_vc8.dll from {esignal_dir} into the same folder as dbcapi.dll: tws-companion doctor --fix-dbcapi does both.</source>
        <translation>请将 {path} 重命名为 dbcapi_old.dll,并将 {esignal_dir} 中的 dbcapi_vc8.dll 复制到同一文件夹并命名为 dbcapi.dll:tws-companion doctor --fix-dbcapi 可完成这两步。</translation>
    </message>
    <message>
        <source>{path} is not a Windows library: {reason}.</source>
        <translation>{path} 不是 Windows 库:{reason}。</translation>
    </message>
    <message>
        <source>Copy dbcapi_vc8.dll from the eSignal folder as dbcapi.dll (tws-companion doctor --fix-dbcapi).</source>
        <translation>请将 eSignal 文件夹中的 dbcapi_vc8.dll 复制为 dbcapi.dll(tws-companion doctor --fix-dbcapi)。</translation>
    </message>
    <message>
        <source>The check failed: {reason}.</source>
        <translation>检查失败:{reason}。</translation>
    </message>
    <message>
        <source>Report this to support.</source>
        <translation>请将此情况报告给客服。</translation>
    </message>
</context>
<context>
    <name>DoctorDialog</name>
    <message>
        <source>What to do: {action}</source>
        <extracomment>The tasks under way (cancelled when the checks start again or the dialog closes). Asked before an existing ``~/IBJts`` is replaced (tests answer it themselves).</extracomment>
        <translation>处理方法:{action}</translation>
    </message>
    <message>
        <source>Checking… {done} of {total} done.</source>
        <translation>正在检查…已完成 {done}/{total} 项。</translation>
    </message>
    <message>
        <source>All checks passed.</source>
        <translation>所有检查均已通过。</translation>
    </message>
    <message>
        <source>Problems: {problems}. Warnings: {warnings}.</source>
        <translation>问题:{problems} 项。警告:{warnings} 项。</translation>
    </message>
    <message>
        <source>Check my setup: {server}</source>
        <translation>检查我的设置:{server}</translation>
    </message>
    <message>
        <source>The results were copied to the clipboard.</source>
        <translation>检查结果已复制到剪贴板。</translation>
    </message>
    <message>
        <source>Replace the TWS API components?</source>
        <translation>替换TWS API组件?</translation>
    </message>
    <message>
        <source>{folder} already exists. Replace it with the archive&apos;s contents? The current folder is kept beside it, renamed {name}.old-&lt;date&gt;.</source>
        <translation>{folder} 已存在。要用压缩包中的内容替换它吗?当前文件夹会保留在旁边,并重命名为 {name}.old-&lt;日期&gt;。</translation>
    </message>
    <message>
        <source>Choose the downloaded TWS API archive</source>
        <translation>选择已下载的TWS API压缩包</translation>
    </message>
    <message>
        <source>TWS API for Mac / Unix (twsapi_macunix.*.zip);;Zip archives (*.zip)</source>
        <translation>Mac / Unix 版TWS API (twsapi_macunix.*.zip);;Zip 压缩包 (*.zip)</translation>
    </message>
    <message>
        <source>Installed the TWS API components in {folder}.</source>
        <translation>TWS API组件已安装到 {folder}。</translation>
    </message>
    <message>
        <source>TWS API components not installed</source>
        <translation>未安装TWS API组件</translation>
    </message>
    <message>
        <source>The archive was not installed: {reason}</source>
        <translation>压缩包未安装:{reason}</translation>
    </message>
    <message>
        <source>Check My Setup</source>
        <translation>检查我的设置</translation>
    </message>
    <message>
        <source>What this computer needs to log in to {server} and keep your settings. Each check says what is wrong and what to do.</source>
        <translation>此电脑登录 {server} 并保存您的设置所需的条件。每项检查都会说明问题所在及处理方法。</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>检查项</translation>
    </message>
    <message>
        <source>Finding</source>
        <translation>检查结果</translation>
    </message>
    <message>
        <source>Results of the checks</source>
        <translation>检查结果</translation>
    </message>
    <message>
        <source>Check &amp;again</source>
        <translation>重新检查(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Install TWS API components...</source>
        <translation>安装TWS API组件(&amp;I)...</translation>
    </message>
    <message>
        <source>Co&amp;py to clipboard</source>
        <translation>复制到剪贴板(&amp;P)</translation>
    </message>
</context>
<context>
    <name>DscPlusPage</name>
    <message>
        <source>&lt;ol&gt;&lt;li&gt;Press and hold the &lt;b&gt;press&lt;/b&gt; button until &lt;b&gt;PIN&amp;gt;&lt;/b&gt; appears, enter your {pin}-digit PIN and press &lt;b&gt;OK&lt;/b&gt;.&lt;/li&gt;&lt;li&gt;When &lt;b&gt;CHALLNG&amp;gt;&lt;/b&gt; appears, enter the {challenge}-digit challenge code shown here and press &lt;b&gt;OK&lt;/b&gt;.&lt;/li&gt;&lt;li&gt;Enter the {response} digits of the response code below and click &lt;b&gt;Log In&lt;/b&gt;. If the time runs out, start over from step 1.&lt;/li&gt;&lt;/ol&gt;</source>
        <translation>&lt;ol&gt;&lt;li&gt;按住&lt;b&gt;press&lt;/b&gt;按钮直至出现&lt;b&gt;PIN&amp;gt;&lt;/b&gt;,输入您的{pin}位数PIN码,然后按&lt;b&gt;OK&lt;/b&gt;按钮。&lt;/li&gt;&lt;li&gt;出现&lt;b&gt;CHALLNG&amp;gt;&lt;/b&gt;时,输入此处显示的{challenge}位数挑战码,然后按&lt;b&gt;OK&lt;/b&gt;按钮。&lt;/li&gt;&lt;li&gt;在下方输入{response}位数响应码,然后点击&lt;b&gt;登录&lt;/b&gt;。如果时间太长响应码过期,从第1步重新开始。&lt;/li&gt;&lt;/ol&gt;</translation>
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
        <extracomment>How long &quot;PIN ERR&quot; stays on the display before ``PIN&gt;`` comes back. The card&apos;s PIN: the device&apos;s, until a PIN change gives it another. In PIN-change mode, after the new PIN was keyed: the response computed with it makes it the card&apos;s PIN.</extracomment>
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
        <source>Change PIN</source>
        <translation>更改PIN码</translation>
    </message>
    <message>
        <source>PIN-change mode (P): key the new PIN, then the challenge shown by the PIN change; the card keeps the new PIN once it shows the response</source>
        <translation>PIN码更改模式(P):输入新的PIN码,再输入更改PIN码时显示的挑战码;设备显示响应码后即保存新的PIN码</translation>
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
        <source>NEW PIN&gt;</source>
        <comment>LCD text of the DSC+ in PIN-change mode</comment>
        <translation>NEW PIN&gt;</translation>
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
    <name>GlobalConfigDialog</name>
    <message>
        <source>Global Configuration</source>
        <translation>全局配置</translation>
    </message>
    <message>
        <source>Lock and Exit</source>
        <translation>锁定和退出</translation>
    </message>
    <message>
        <source>Display</source>
        <translation>显示</translation>
    </message>
</context>
<context>
    <name>IbKeyPage</name>
    <message>
        <source>Open IBKR Mobile on your phone and select &lt;b&gt;Authenticate&lt;/b&gt;.&lt;ul&gt;&lt;li&gt;&lt;b&gt;Android:&lt;/b&gt; enter your PIN and the challenge code, then tap &lt;b&gt;Generate Passcode&lt;/b&gt;.&lt;/li&gt;&lt;li&gt;&lt;b&gt;iOS:&lt;/b&gt; enter the challenge code, tap &lt;b&gt;Generate Passcode&lt;/b&gt; and use Touch ID or Face ID.&lt;/li&gt;&lt;/ul&gt;Enter the response string below and click &lt;b&gt;Log In&lt;/b&gt;.</source>
        <translation>在手机上打开移动IBKR,选择&lt;b&gt;验证&lt;/b&gt;。&lt;ul&gt;&lt;li&gt;&lt;b&gt;安卓:&lt;/b&gt;输入您的PIN码和挑战码,然后点击&lt;b&gt;生成通关码&lt;/b&gt;。&lt;/li&gt;&lt;li&gt;&lt;b&gt;iOS:&lt;/b&gt;输入挑战码,点击&lt;b&gt;生成通关码&lt;/b&gt;,然后使用Touch ID或Face ID。&lt;/li&gt;&lt;/ul&gt;在下方输入响应码,然后点击&lt;b&gt;登录&lt;/b&gt;。</translation>
    </message>
</context>
<context>
    <name>IbKeySimulator</name>
    <message>
        <source>Enter your user name, password and current PIN.</source>
        <extracomment>The server&apos;s id of each device held, where the app knows it (those it activated). The call to the server running, if any. The PIN change or activation waiting for its SMS code.</extracomment>
        <translation>请输入用户名、密码和当前PIN码。</translation>
    </message>
    <message>
        <source>The new PINs differ. Type the new PIN twice.</source>
        <translation>两次输入的新PIN码不一致。请输入新的PIN码两次。</translation>
    </message>
    <message>
        <source>Enter the SMS Code.</source>
        <translation>请输入短信代码。</translation>
    </message>
    <message>
        <source>Enter your user name and password.</source>
        <translation>请输入用户名和密码。</translation>
    </message>
    <message>
        <source>Enter the Activation Code.</source>
        <translation>请输入激活码。</translation>
    </message>
    <message>
        <source>A PIN has {min} to {max} characters: letters, digits or symbols. Try again.</source>
        <translation>PIN码为{min}至{max}个字符:字母、数字或符号。请重试。</translation>
    </message>
    <message>
        <source>The user name or password is not correct.</source>
        <translation>用户名或密码不正确。</translation>
    </message>
    <message>
        <source>The current PIN is not correct. Attempts left before IB Key is locked: {attempts}. If you do not know your current PIN, call Client Services (ibkr.com/support) to reset it.</source>
        <translation>当前PIN码不正确。IB Key被锁定前的剩余尝试次数:{attempts}。如果不知道当前的PIN码,您需要直接致电盈透证券客服进行重置(ibkr.com/support)。</translation>
    </message>
    <message>
        <source>IB Key is locked after too many failures. Call Client Services (ibkr.com/support) to reset it.</source>
        <translation>失败次数过多,IB Key已被锁定。请致电盈透证券客服进行重置(ibkr.com/support)。</translation>
    </message>
    <message>
        <source>IB Key is not active for this user.</source>
        <translation>此用户的IB Key未激活。</translation>
    </message>
    <message>
        <source>The code is not correct. Attempts left: {attempts}.</source>
        <translation>代码不正确。剩余尝试次数:{attempts}。</translation>
    </message>
    <message>
        <source>The code can no longer be used. Start again.</source>
        <translation>此代码已无法使用。请重新开始。</translation>
    </message>
    <message>
        <source>No more SMS codes can be sent to this user for now. Try again later.</source>
        <translation>目前无法再向此用户发送短信代码。请稍后再试。</translation>
    </message>
    <message>
        <source>No mobile phone number is on file for this user. Call Client Services (ibkr.com/support).</source>
        <translation>此用户没有登记手机号码。请致电盈透证券客服(ibkr.com/support)。</translation>
    </message>
    <message>
        <source>Too many failed attempts. Wait, then try again.</source>
        <translation>失败次数过多。请稍候再试。</translation>
    </message>
    <message>
        <source>The server refused: {reason}</source>
        <translation>服务器拒绝了请求:{reason}</translation>
    </message>
    <message>
        <source>Something went wrong: {reason}</source>
        <translation>出现错误:{reason}</translation>
    </message>
    <message>
        <source>Invalid PIN. Try again.</source>
        <translation>PIN码无效。请重试。</translation>
    </message>
    <message>
        <source>IB Key - {label}</source>
        <translation>IB Key - {label}</translation>
    </message>
    <message>
        <source>IBKR Mobile · {screen}</source>
        <translation>移动IBKR · {screen}</translation>
    </message>
    <message>
        <source>IBKR Mobile · Authenticate</source>
        <translation>移动IBKR · 验证</translation>
    </message>
    <message>
        <source>Menu</source>
        <translation>菜单</translation>
    </message>
    <message>
        <source>Authenticate</source>
        <translation>验证</translation>
    </message>
    <message>
        <source>Change PIN</source>
        <translation>更改PIN码</translation>
    </message>
    <message>
        <source>Add User</source>
        <translation>添加用户</translation>
    </message>
    <message>
        <source>This phone is not connected to a server.</source>
        <translation>此手机未连接到服务器。</translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation>用户(&amp;U):</translation>
    </message>
    <message>
        <source>Android</source>
        <translation>安卓</translation>
    </message>
    <message>
        <source>iOS</source>
        <translation>iOS</translation>
    </message>
</context>
<context>
    <name>IdentityCheckDialog</name>
    <message>
        <source>Continue</source>
        <extracomment>What step 1 says about the task (read again on every language change). The approval, once the response was accepted (its token is a secret). The seed&apos;s instructions for each device page, in place of the page&apos;s own (which speak of logging in); see :meth:`instructions`.</extracomment>
        <translation>继续</translation>
    </message>
    <message>
        <source>Start over</source>
        <translation>重新开始</translation>
    </message>
    <message>
        <source>Please wait</source>
        <translation>请稍候</translation>
    </message>
    <message>
        <source>Identity check refused</source>
        <translation>身份验证被拒绝</translation>
    </message>
    <message>
        <source>&lt;ol&gt;&lt;li&gt;Turn on your DSC+ using the &lt;b&gt;press&lt;/b&gt; button until &lt;b&gt;PIN&amp;gt;&lt;/b&gt; is displayed, enter your 4-digit PIN and confirm with &lt;b&gt;OK&lt;/b&gt;.&lt;/li&gt;&lt;li&gt;When &lt;b&gt;CHALLNG&amp;gt;&lt;/b&gt; is displayed, enter the 6-digit Challenge Code into the DSC+ and confirm with &lt;b&gt;OK&lt;/b&gt;.&lt;/li&gt;&lt;li&gt;Enter the response string from your DSC+ into the passcode field and click &lt;b&gt;Continue&lt;/b&gt;.&lt;/li&gt;&lt;/ol&gt;</source>
        <translation>&lt;ol&gt;&lt;li&gt;按住&lt;b&gt;press&lt;/b&gt;按钮打开DSC+,直至出现&lt;b&gt;PIN&amp;gt;&lt;/b&gt;,输入4位数PIN码,然后按&lt;b&gt;OK&lt;/b&gt;确认。&lt;/li&gt;&lt;li&gt;出现&lt;b&gt;CHALLNG&amp;gt;&lt;/b&gt;时,将6位数挑战码输入DSC+,然后按&lt;b&gt;OK&lt;/b&gt;确认。&lt;/li&gt;&lt;li&gt;将DSC+上的响应码输入到通关码框,然后点击&lt;b&gt;继续&lt;/b&gt;。&lt;/li&gt;&lt;/ol&gt;</translation>
    </message>
    <message>
        <source>Launch IBKR Mobile on your smartphone and select &lt;b&gt;Authenticate&lt;/b&gt;.&lt;ul&gt;&lt;li&gt;&lt;b&gt;Android:&lt;/b&gt; type your PIN and the Challenge Code, then select &lt;b&gt;Generate Passcode&lt;/b&gt;.&lt;/li&gt;&lt;li&gt;&lt;b&gt;iOS:&lt;/b&gt; type the Challenge Code, select &lt;b&gt;Generate Passcode&lt;/b&gt; and use Touch ID or Face ID.&lt;/li&gt;&lt;/ul&gt;Enter the response string from IB Key into the passcode field and click &lt;b&gt;Continue&lt;/b&gt;.</source>
        <translation>在智能手机上打开移动IBKR并选择&lt;b&gt;验证&lt;/b&gt;。&lt;ul&gt;&lt;li&gt;&lt;b&gt;Android:&lt;/b&gt;输入PIN码和挑战码,然后选择&lt;b&gt;生成通关码&lt;/b&gt;。&lt;/li&gt;&lt;li&gt;&lt;b&gt;iOS:&lt;/b&gt;输入挑战码,选择&lt;b&gt;生成通关码&lt;/b&gt;,然后使用Touch ID或Face ID。&lt;/li&gt;&lt;/ul&gt;将IB Key生成的响应码输入到通关码框,然后点击&lt;b&gt;继续&lt;/b&gt;。</translation>
    </message>
    <message>
        <source>Find the index numbers on your card and enter the value next to each, without spaces, then click &lt;b&gt;Continue&lt;/b&gt;.</source>
        <translation>在卡上找到索引号,输入每个索引号旁的值(不要加空格),然后点击&lt;b&gt;继续&lt;/b&gt;。</translation>
    </message>
    <message>
        <source>Enter the response of your security device and click &lt;b&gt;Continue&lt;/b&gt;.</source>
        <translation>输入安全设备生成的响应码,然后点击&lt;b&gt;继续&lt;/b&gt;。</translation>
    </message>
    <message>
        <source>None of the security devices of this user can verify an identity: that takes a Digital Security Card+, IB Key or a Security Code Card.</source>
        <translation>该使用者没有可用于验证身份的安全设备:需要数码安全卡+、IB Key或安全代码卡。</translation>
    </message>
    <message>
        <source>Verify your identity</source>
        <translation>验证您的身份</translation>
    </message>
    <message>
        <source>This task asks you to verify your identity with your Secure Login Device. Enter your user name and password and click Continue.</source>
        <translation>此操作需要您使用安全登录设备验证身份。请输入用户名和密码,然后点击继续。</translation>
    </message>
    <message>
        <source>Use another device</source>
        <translation>使用其它设备</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>IdentityCredentialsPage</name>
    <message>
        <source>Verify your identity</source>
        <translation>验证您的身份</translation>
    </message>
    <message>
        <source>User Name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>继续</translation>
    </message>
</context>
<context>
    <name>ImportUndo</name>
    <message>
        <source>Undo Import</source>
        <translation>撤销导入</translation>
    </message>
    <message>
        <source>Go back to the layout you had before importing parts of a settings file</source>
        <translation>返回导入设置文件部分内容之前的布局</translation>
    </message>
</context>
<context>
    <name>LayoutPreview</name>
    <message>
        <source>(no name)</source>
        <translation>(无名称)</translation>
    </message>
    <message>
        <source>{name} (shown)</source>
        <translation>{name} (当前显示)</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>{names} and {count} more</source>
        <translation>{names}及另外{count}个</translation>
    </message>
    <message>
        <source>never</source>
        <translation>从不</translation>
    </message>
    <message>
        <source>every {minutes} min</source>
        <translation>每{minutes}分钟</translation>
    </message>
    <message>
        <source>after {minutes} min</source>
        <translation>{minutes}分钟后</translation>
    </message>
    <message>
        <source>Mosaic</source>
        <translation>综合交易界面</translation>
    </message>
    <message>
        <source>Classic</source>
        <translation>经典交易界面</translation>
    </message>
    <message>
        <source>{count}: {names}</source>
        <translation>{count}个:{names}</translation>
    </message>
    <message>
        <source>{kind} {count}</source>
        <translation>{kind} {count}</translation>
    </message>
    <message>
        <source>{count}: {kinds}</source>
        <translation>{count}个:{kinds}</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>auto log-off at {time}; lock when idle: {idle}; auto-save: {autosave}; save on exit: {on_exit}; settings on server: {server}</source>
        <translation>自动退出登录时间:{time};闲置锁定:{idle};自动保存:{autosave};退出时保存:{on_exit};服务器上的设置:{server}</translation>
    </message>
    <message>
        <source>dark theme</source>
        <translation>深色主题</translation>
    </message>
    <message>
        <source>light theme</source>
        <translation>浅色主题</translation>
    </message>
    <message>
        <source>{theme}, font size {size}, {language}</source>
        <translation>{theme},字体大小{size},{language}</translation>
    </message>
    <message>
        <source>Mode:</source>
        <translation>模式:</translation>
    </message>
    <message>
        <source>Workspaces:</source>
        <translation>工作区:</translation>
    </message>
    <message>
        <source>Panels:</source>
        <translation>面板:</translation>
    </message>
    <message>
        <source>Watchlist rows:</source>
        <translation>观察列表行数:</translation>
    </message>
    <message>
        <source>Color groups:</source>
        <translation>颜色组:</translation>
    </message>
    <message>
        <source>Lock and Exit:</source>
        <translation>锁定和退出:</translation>
    </message>
    <message>
        <source>Display:</source>
        <translation>显示:</translation>
    </message>
</context>
<context>
    <name>LegacyOcraPage</name>
    <message>
        <source>Enter the challenge code into your device and type its response below.</source>
        <translation>将挑战码输入您的设备,然后在下方输入其响应码。</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>Start over</source>
        <extracomment>The keyring the settings key is kept in; ``None``: the user&apos;s (made on the worker). The user name whose &quot;Use/store settings on server&quot; the tick shows, and whether the user has set the tick since (then it stays as set, whatever name is typed). What is left to build after the first paint (:meth:`_after_first_paint`).</extracomment>
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
    <name>MenuScreen</name>
    <message>
        <source>Cancel</source>
        <extracomment>The longest SMS code typed (6 digits, with room for spaces). The longest user name and password the server takes (``protocol.fields``, which loads pydantic: the simulators show before the login window&apos;s first paint). The user left the screen (Cancel, Go to start page, Done).</extracomment>
        <translation>取消</translation>
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
        <source>%n hour(s)</source>
        <translation>%n小时</translation>
    </message>
    <message>
        <source>%n minute(s)</source>
        <translation>%n分钟</translation>
    </message>
    <message>
        <source>%n second(s)</source>
        <translation>%n秒</translation>
    </message>
    <message>
        <source>{first} and {second}</source>
        <translation>{first}{second}</translation>
    </message>
    <message>
        <source>Please wait {time}</source>
        <translation>请等待{time}</translation>
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
        <source>Please wait %n second(s) before requesting a new code.</source>
        <translation>请等待%n秒后再请求新的代码。</translation>
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
        <source>The account is now locked: contact Client Services to unlock it sooner.</source>
        <translation>账户现已被锁定。如需尽早解锁,请联系客户服务。</translation>
    </message>
    <message>
        <source>%n attempt(s) left before a wait.</source>
        <translation>再失败%n次后需要等待。</translation>
    </message>
    <message>
        <source>%n attempt(s) left before the account locks.</source>
        <translation>再失败%n次后账户将被锁定。</translation>
    </message>
    <message>
        <source>Too many failed login attempts.</source>
        <extracomment>The server&apos;s refusals of a login step, by code.</extracomment>
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
    <name>NewsPanel</name>
    <message>
        <source>Sources</source>
        <extracomment>The sources followed, in the stored order (ones this version does not know included). One item per headline, in the same order.</extracomment>
        <translation>新闻源</translation>
    </message>
    <message>
        <source>Follow {source}</source>
        <translation>关注{source}</translation>
    </message>
    <message>
        <source>&amp;Keyword:</source>
        <translation>关键字(&amp;K):</translation>
    </message>
    <message>
        <source>Only headlines containing this text</source>
        <translation>只显示包含此文本的标题</translation>
    </message>
    <message>
        <source>Keyword filter</source>
        <translation>关键字筛选</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Headline</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Headlines</source>
        <translation>新闻标题</translation>
    </message>
    <message>
        <source>Tick at least one source to see headlines.</source>
        <translation>请至少勾选一个新闻源以查看标题。</translation>
    </message>
    <message>
        <source>{shown} of {total} headlines</source>
        <translation>共{total}条标题,显示{shown}条</translation>
    </message>
</context>
<context>
    <name>NotesPanel</name>
    <message>
        <source>Your notes, saved with the layout</source>
        <extracomment>The text as stored: given back unchanged (line endings included) until edited.</extracomment>
        <translation>您的笔记,随布局一起保存</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>笔记</translation>
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
        <source>{digits} digits</source>
        <translation>{digits}位数字</translation>
    </message>
</context>
<context>
    <name>OnScreenKeyboard</name>
    <message>
        <source>Shift</source>
        <extracomment>The first column of Backspace, Enter and Shift (right of the digits and the first letters), and how many columns each spans.</extracomment>
        <translation>Shift</translation>
    </message>
    <message>
        <source>Backspace</source>
        <translation>退格</translation>
    </message>
    <message>
        <source>Enter</source>
        <translation>回车</translation>
    </message>
</context>
<context>
    <name>OrderEntryPanel</name>
    <message>
        <source>Order defaults</source>
        <translation>订单默认值</translation>
    </message>
    <message>
        <source>New orders start from these values. This panel does not send orders.</source>
        <translation>新订单将以这些值为默认值。此面板不会发送订单。</translation>
    </message>
    <message>
        <source>&amp;Symbol:</source>
        <translation>代码(&amp;S):</translation>
    </message>
    <message>
        <source>Any symbol</source>
        <translation>任意代码</translation>
    </message>
    <message>
        <source>Default symbol</source>
        <translation>默认代码</translation>
    </message>
    <message>
        <source>&amp;Action:</source>
        <translation>行动(&amp;A):</translation>
    </message>
    <message>
        <source>Default action</source>
        <translation>默认行动</translation>
    </message>
    <message>
        <source>Order &amp;type:</source>
        <translation>订单类型(&amp;T):</translation>
    </message>
    <message>
        <source>Default order type</source>
        <translation>默认订单类型</translation>
    </message>
    <message>
        <source>&amp;Quantity:</source>
        <translation>数量(&amp;Q):</translation>
    </message>
    <message>
        <source>Default quantity</source>
        <translation>默认数量</translation>
    </message>
    <message>
        <source>Time in &amp;force:</source>
        <translation>生效时间(&amp;F):</translation>
    </message>
    <message>
        <source>Default time in force</source>
        <translation>默认生效时间</translation>
    </message>
    <message>
        <source>Fill outside regular trading &amp;hours</source>
        <translation>允许在常规交易时间以外成交(&amp;H)</translation>
    </message>
    <message>
        <source>Outside regular trading hours</source>
        <translation>常规交易时间以外</translation>
    </message>
</context>
<context>
    <name>PanelDock</name>
    <message>
        <source>Dock</source>
        <extracomment>A page being built is covered by this many horizontal bands, taken away one at a time... ... each at most this high: a taller page (a hundred panels in one column make the window that tall) has more of them, so uncovering one never paints more than a panel or two. The least height of a panel&apos;s title bar. The English titles the default layout gives its panels: shown in the user&apos;s language. What a panel&apos;s dock allows, unless it is the Classic trading window (which allows nothing).</extracomment>
        <translation>停靠</translation>
    </message>
    <message>
        <source>Float</source>
        <translation>浮动</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>PanelLabels</name>
    <message>
        <source>Watchlist</source>
        <translation>观察列表</translation>
    </message>
    <message>
        <source>Order Defaults</source>
        <translation>订单默认值</translation>
    </message>
    <message>
        <source>Chart</source>
        <translation>图表</translation>
    </message>
    <message>
        <source>Portfolio</source>
        <translation>投资组合</translation>
    </message>
    <message>
        <source>News</source>
        <translation>新闻</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>笔记</translation>
    </message>
    <message>
        <source>Red</source>
        <translation>红色</translation>
    </message>
    <message>
        <source>Green</source>
        <translation>绿色</translation>
    </message>
    <message>
        <source>Blue</source>
        <translation>蓝色</translation>
    </message>
    <message>
        <source>Symbol</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>Last</source>
        <translation>最新价</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>涨跌</translation>
    </message>
    <message>
        <source>Change %</source>
        <translation>涨跌%</translation>
    </message>
    <message>
        <source>Bid</source>
        <translation>买价</translation>
    </message>
    <message>
        <source>Ask</source>
        <translation>卖价</translation>
    </message>
    <message>
        <source>Volume</source>
        <translation>交易量</translation>
    </message>
    <message>
        <source>Position</source>
        <translation>持仓</translation>
    </message>
    <message>
        <source>Avg Price</source>
        <translation>平均价格</translation>
    </message>
    <message>
        <source>Market Value</source>
        <translation>市值</translation>
    </message>
    <message>
        <source>Unrealized P&amp;L</source>
        <translation>未实现盈亏</translation>
    </message>
    <message>
        <source>Realized P&amp;L</source>
        <translation>已实现盈亏</translation>
    </message>
    <message>
        <source>1 min</source>
        <translation>1分钟</translation>
    </message>
    <message>
        <source>5 mins</source>
        <translation>5分钟</translation>
    </message>
    <message>
        <source>15 mins</source>
        <translation>15分钟</translation>
    </message>
    <message>
        <source>1 hour</source>
        <translation>1小时</translation>
    </message>
    <message>
        <source>1 day</source>
        <translation>1天</translation>
    </message>
    <message>
        <source>1 week</source>
        <translation>1周</translation>
    </message>
    <message>
        <source>Briefing.com</source>
        <translation>Briefing.com</translation>
    </message>
    <message>
        <source>Dow Jones</source>
        <translation>道琼斯</translation>
    </message>
    <message>
        <source>Reuters</source>
        <translation>路透社</translation>
    </message>
    <message>
        <source>The Fly</source>
        <translation>The Fly</translation>
    </message>
    <message>
        <source>Buy</source>
        <translation>买入</translation>
    </message>
    <message>
        <source>Sell</source>
        <translation>卖出</translation>
    </message>
    <message>
        <source>Limit (LMT)</source>
        <translation>限价 (LMT)</translation>
    </message>
    <message>
        <source>Market (MKT)</source>
        <translation>市价 (MKT)</translation>
    </message>
    <message>
        <source>Stop (STP)</source>
        <translation>止损 (STP)</translation>
    </message>
    <message>
        <source>Stop Limit (STP LMT)</source>
        <translation>止损限价 (STP LMT)</translation>
    </message>
    <message>
        <source>Day (DAY)</source>
        <translation>当日有效 (DAY)</translation>
    </message>
    <message>
        <source>Good &apos;til Canceled (GTC)</source>
        <translation>取消前有效 (GTC)</translation>
    </message>
    <message>
        <source>Immediate or Cancel (IOC)</source>
        <translation>立即成交或取消 (IOC)</translation>
    </message>
</context>
<context>
    <name>PasscodePage</name>
    <message>
        <source>Temporary passcode</source>
        <translation>临时密码</translation>
    </message>
    <message>
        <source>Enter the temporary passcode Client Services gave you. It opens every platform for {days} days, then Client Portal only, to print your Online Security Code Card.</source>
        <translation>输入客户服务提供给您的临时密码。{days}天内可用于登录所有平台,之后只能登录客户端,以打印在线安全代码卡。</translation>
    </message>
</context>
<context>
    <name>PhoneWindow</name>
    <message>
        <source>1 minute</source>
        <extracomment>Players tried in order; each takes the WAV file as its only argument. Fallback polling, for a folder that does not exist yet or a file system without notifications.</extracomment>
        <translation>1分钟</translation>
    </message>
    <message>
        <source>{count} minutes</source>
        <translation>{count}分钟</translation>
    </message>
    <message>
        <source>1 second</source>
        <translation>1秒</translation>
    </message>
    <message>
        <source>{count} seconds</source>
        <translation>{count}秒</translation>
    </message>
    <message>
        <source>{minutes} and {seconds}</source>
        <translation>{minutes}{seconds}</translation>
    </message>
    <message>
        <source>Your security code is {code}. Do not share it with anyone.</source>
        <translation>您的安全代码是{code}。请勿与任何人分享。</translation>
    </message>
    <message>
        <source>Your security code is {code}. It is valid for {time}. Do not share it with anyone.</source>
        <translation>您的安全代码是{code}。有效时间为{time}。请勿与任何人分享。</translation>
    </message>
    <message>
        <source>Hello.</source>
        <translation>您好。</translation>
    </message>
    <message>
        <source>Your security code is: {digits}.</source>
        <translation>您的安全代码是:{digits}。</translation>
    </message>
    <message>
        <source>Again, your security code is: {digits}.</source>
        <translation>再说一遍,您的安全代码是:{digits}。</translation>
    </message>
    <message>
        <source>Goodbye.</source>
        <translation>再见。</translation>
    </message>
    <message>
        <source>Incoming call to {phone}</source>
        <translation>来电:{phone}</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <source>The call is read in English.</source>
        <translation>来电语音为英语。</translation>
    </message>
    <message>
        <source>Playing the call…</source>
        <translation>正在播放来电…</translation>
    </message>
    <message>
        <source>This call has no recording; transcript:</source>
        <translation>此来电没有录音;文字记录:</translation>
    </message>
    <message>
        <source>No audio player on this system; transcript:</source>
        <translation>此系统没有音频播放器;文字记录:</translation>
    </message>
    <message>
        <source>The call could not be played (no sound device, or the audio player failed); transcript:</source>
        <translation>无法播放来电(没有声音设备,或音频播放器出错);文字记录:</translation>
    </message>
    <message>
        <source>Phone</source>
        <extracomment>The player of the call playing, and that call&apos;s card.</extracomment>
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
    <name>PinChangeDialog</name>
    <message>
        <source>Digital Security Card+</source>
        <extracomment>The longest response a DSC+ shows (8 digits); a few more are allowed for spaces. How often the challenge&apos;s countdown is refreshed (milliseconds).</extracomment>
        <translation>数码安全卡+</translation>
    </message>
    <message>
        <source>Change PIN</source>
        <translation>更改PIN码</translation>
    </message>
    <message>
        <source>Change the PIN of {device}</source>
        <translation>更改{device}的PIN码</translation>
    </message>
    <message>
        <source>Enter the PIN you want to use and confirm it. A PIN has {digits} digits. A challenge code is then shown.</source>
        <translation>输入您想使用的PIN码并确认。PIN码为{digits}位数字。届时页面将显示一个挑战码。</translation>
    </message>
    <message>
        <source>&amp;New PIN</source>
        <translation>新的PIN码(&amp;N)</translation>
    </message>
    <message>
        <source>C&amp;onfirm New PIN</source>
        <translation>确认新的PIN码(&amp;O)</translation>
    </message>
    <message>
        <source>Turn on your DSC+ with the press button. At the PIN prompt, enter your NEW PIN and press OK; at CHALLNG&gt;, enter the challenge code below and press OK. Type the response code the card shows, then click Continue.</source>
        <translation>按“press”按钮打开DSC+。在PIN提示处输入您的新PIN码并按“OK”;出现“CHALLNG&gt;”时输入下方的挑战码并按“OK”。将设备生成的响应码输入下方,然后点击继续。</translation>
    </message>
    <message>
        <source>Challenge Code</source>
        <translation>挑战码</translation>
    </message>
    <message>
        <source>&amp;Response</source>
        <translation>响应码(&amp;R)</translation>
    </message>
    <message>
        <source>Your new PIN has been accepted. Use it on your DSC+ from now on, also the next time you log in.</source>
        <translation>新的PIN码已被系统接受。今后请在DSC+上使用新的PIN码,下次登录时也是如此。</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>确定</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>The challenge expires in {seconds} seconds.</source>
        <translation>挑战码将在{seconds}秒后过期。</translation>
    </message>
    <message>
        <source>The challenge has expired. Click Continue to start again.</source>
        <translation>挑战码已过期。点击继续重新开始。</translation>
    </message>
    <message>
        <source>A DSC+ PIN has exactly {digits} digits.</source>
        <translation>DSC+的PIN码必须为{digits}位数字。</translation>
    </message>
    <message>
        <source>The two PINs differ. Type the new PIN twice.</source>
        <translation>两次输入的PIN码不一致。请输入新的PIN码两次。</translation>
    </message>
    <message>
        <source>Type the response code your DSC+ shows.</source>
        <translation>请输入DSC+显示的响应码。</translation>
    </message>
    <message>
        <source>The response is not correct: enter the NEW PIN on your DSC+, then the challenge code. Attempts left: {attempts}.</source>
        <translation>响应码不正确:请在DSC+上先输入新的PIN码,再输入挑战码。剩余尝试次数:{attempts}。</translation>
    </message>
    <message>
        <source>Too many wrong responses. Your PIN was not changed. Start again.</source>
        <translation>错误响应次数过多。PIN码未更改。请重新开始。</translation>
    </message>
    <message>
        <source>The challenge has expired. Your PIN was not changed. Start again.</source>
        <translation>挑战码已过期。PIN码未更改。请重新开始。</translation>
    </message>
    <message>
        <source>This PIN change is over. Start again.</source>
        <translation>此次PIN码更改已结束。请重新开始。</translation>
    </message>
    <message>
        <source>Your DSC+ is locked after too many wrong responses. Contact Client Services to reset it.</source>
        <translation>错误响应次数过多,您的DSC+已被锁定。请联系客服进行重置。</translation>
    </message>
    <message>
        <source>This device is no longer one of your active devices.</source>
        <translation>此设备已不再是您的活跃设备。</translation>
    </message>
    <message>
        <source>Your session has ended. Log in again to change the PIN.</source>
        <translation>您的会话已结束。请重新登录后再更改PIN码。</translation>
    </message>
    <message>
        <source>The server refused the PIN change: {reason}</source>
        <translation>服务器拒绝了PIN码更改:{reason}</translation>
    </message>
    <message>
        <source>The PIN change failed: {reason}</source>
        <translation>PIN码更改失败:{reason}</translation>
    </message>
</context>
<context>
    <name>PortfolioPanel</name>
    <message>
        <source>Show &amp;zero positions</source>
        <translation>显示零持仓(&amp;Z)</translation>
    </message>
    <message>
        <source>Show zero positions</source>
        <translation>显示零持仓</translation>
    </message>
    <message>
        <source>&amp;Columns</source>
        <translation>列(&amp;C)</translation>
    </message>
    <message>
        <source>Choose columns</source>
        <translation>选择列</translation>
    </message>
    <message>
        <source>Choose the columns the portfolio shows</source>
        <translation>选择投资组合显示的列</translation>
    </message>
    <message>
        <source>Positions</source>
        <translation>持仓</translation>
    </message>
    <message>
        <source>Market value {value} · Unrealized P&amp;L {unrealized} · Realized P&amp;L {realized}</source>
        <translation>市值 {value} · 未实现盈亏 {unrealized} · 已实现盈亏 {realized}</translation>
    </message>
</context>
<context>
    <name>RecoveryDialog</name>
    <message>
        <source>Backup of {when} ({size})</source>
        <extracomment>A version kept on the server (&quot;Use/store settings on server&quot;). A line that says something (&quot;Reading the backups…&quot;, &quot;No backups yet&quot;), not a choice. The settings on the server (&quot;Use/store settings on server&quot; on), their versions (None: being read), why they cannot be read, and the versions read for their preview. A server version being restored. Backups read for their preview: path -&gt; what it holds, or why it cannot be read. The file chosen with Custom..., once opened. What &quot;Open without reporting problem&quot; opens, and where it comes from. Work the dialog waits for (the list and buttons are disabled meanwhile). Work in the background (the list of backups, previews), cancelled on closing.</extracomment>
        <translation>{when}的备份 ({size})</translation>
    </message>
    <message>
        <source>Server version {number} (current)</source>
        <translation>服务器版本 {number}(当前)</translation>
    </message>
    <message>
        <source>Server version {number}</source>
        <translation>服务器版本 {number}</translation>
    </message>
    <message>
        <source>{when} · {machine} · {size}</source>
        <translation>{when} · {machine} · {size}</translation>
    </message>
    <message>
        <source>(no name)</source>
        <translation>(无名称)</translation>
    </message>
    <message>
        <source>Server version {number} (current): {when}, {machine} ({size})</source>
        <translation>服务器版本 {number}(当前):{when},{machine}({size})</translation>
    </message>
    <message>
        <source>Server version {number}: {when}, {machine} ({size})</source>
        <translation>服务器版本 {number}:{when},{machine}({size})</translation>
    </message>
    <message>
        <source>Click OK to choose a settings file: on this computer, a USB stick or a network drive. Files saved with Save Settings As open for you alone; files saved with Save Decrypted Settings As open for any user.</source>
        <translation>点击“确定”选择设置文件:可位于此电脑、U盘或网络驱动器上。用“另存设置为”保存的文件只有您本人能打开;用“另存解密设置为”保存的文件任何用户都能打开。</translation>
    </message>
    <message>
        <source>This version cannot be read: {reason}</source>
        <translation>无法读取此版本:{reason}</translation>
    </message>
    <message>
        <source>Downloading this version from the server…</source>
        <translation>正在从服务器下载此版本…</translation>
    </message>
    <message>
        <source>This backup cannot be read: {reason}</source>
        <translation>无法读取此备份:{reason}</translation>
    </message>
    <message>
        <source>Reading the backup…</source>
        <translation>正在读取备份…</translation>
    </message>
    <message>
        <source>The file {name}</source>
        <translation>文件{name}</translation>
    </message>
    <message>
        <source>Open Settings File</source>
        <translation>打开设置文件</translation>
    </message>
    <message>
        <source>Opening the file…</source>
        <translation>正在打开文件…</translation>
    </message>
    <message>
        <source>The file cannot be opened.</source>
        <translation>无法打开该文件。</translation>
    </message>
    <message>
        <source>Layout/Settings Recovery</source>
        <translation>布局/设置恢复</translation>
    </message>
    <message>
        <source>{name} was not opened.</source>
        <translation>未打开{name}。</translation>
    </message>
    <message>
        <source>Your current layout has not been changed.</source>
        <translation>您当前的布局未作更改。</translation>
    </message>
    <message>
        <source>The workstation will restart, applying these layout settings, and they become the current copy on the server (this computer&apos;s settings are kept as a backup). To take only some of them, choose Import parts.</source>
        <translation>工作站将重新启动并应用这些布局设置,它们也将成为服务器上的当前副本(此电脑的设置会保留为备份)。如只需其中部分设置,请选择“导入部分”。</translation>
    </message>
    <message>
        <source>The default layout</source>
        <translation>默认布局</translation>
    </message>
    <message>
        <source>Restoring version {number} from the server…</source>
        <translation>正在从服务器恢复版本 {number}…</translation>
    </message>
    <message>
        <source>Something went wrong.</source>
        <translation>出现了问题。</translation>
    </message>
    <message>
        <source>Version {number} could not be restored from the server.</source>
        <translation>无法从服务器恢复版本 {number}。</translation>
    </message>
    <message>
        <source>The parts could not be imported.</source>
        <translation>无法导入所选部分。</translation>
    </message>
    <message>
        <source>Custom...</source>
        <translation>自定义...</translation>
    </message>
    <message>
        <source>Default layout</source>
        <translation>默认布局</translation>
    </message>
    <message>
        <source>Reading the backups…</source>
        <translation>正在读取备份…</translation>
    </message>
    <message>
        <source>No backups yet</source>
        <translation>暂无备份</translation>
    </message>
    <message>
        <source>The backups cannot be read</source>
        <translation>无法读取备份</translation>
    </message>
    <message>
        <source>Reading the versions on the server…</source>
        <translation>正在读取服务器上的版本…</translation>
    </message>
    <message>
        <source>No settings on the server yet</source>
        <translation>服务器上暂无设置</translation>
    </message>
    <message>
        <source>The versions on the server cannot be read</source>
        <translation>无法读取服务器上的版本</translation>
    </message>
    <message>
        <source>Choose the settings to open: a file, a backup kept on this computer, a version kept on the server, or the default layout. The workstation restarts with them.</source>
        <translation>选择要打开的设置:文件、此电脑上保留的备份、服务器上保留的版本或默认布局。工作站将使用所选设置重新启动。</translation>
    </message>
    <message>
        <source>Choose the settings to open: a file, a backup kept on this computer, or the default layout. The workstation restarts with them.</source>
        <translation>选择要打开的设置:文件、此电脑上保存的备份或默认布局。工作站将以所选设置重新启动。</translation>
    </message>
    <message>
        <source>&amp;Settings:</source>
        <translation>设置(&amp;S):</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>预览</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>确定</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Open these settings?</source>
        <translation>打开这些设置?</translation>
    </message>
    <message>
        <source>The workstation will restart, applying these layout settings. To take only some of them, choose Import parts.</source>
        <translation>工作站将重新启动并应用这些布局设置。如只需其中一部分,请选择“导入部分”。</translation>
    </message>
    <message>
        <source>&amp;Open without reporting problem</source>
        <translation>不报告问题直接打开(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Import parts...</source>
        <translation>导入部分(&amp;I)...</translation>
    </message>
    <message>
        <source>&amp;Back</source>
        <translation>返回(&amp;B)</translation>
    </message>
    <message>
        <source>Import parts of these settings</source>
        <translation>导入这些设置的部分内容</translation>
    </message>
    <message>
        <source>Parts</source>
        <translation>要导入的部分</translation>
    </message>
    <message>
        <source>&amp;Workspaces (with their panels)</source>
        <translation>工作区 (含其面板)(&amp;W)</translation>
    </message>
    <message>
        <source>W&amp;atchlists</source>
        <translation>观察列表(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Color groups</source>
        <translation>颜色组(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Global Configuration (Lock and Exit, Display)</source>
        <translation>全局配置 (锁定和退出、显示)(&amp;G)</translation>
    </message>
    <message>
        <source>How</source>
        <translation>导入方式</translation>
    </message>
    <message>
        <source>&amp;Replace</source>
        <translation>替换(&amp;R)</translation>
    </message>
    <message>
        <source>The chosen parts take the place of yours.</source>
        <translation>所选部分将取代您现有的相应部分。</translation>
    </message>
    <message>
        <source>&amp;Merge</source>
        <translation>合并(&amp;M)</translation>
    </message>
    <message>
        <source>Workspaces, watchlist rows and color groups are added to yours; a watchlist of the same name gets the new symbols. Global Configuration is replaced.</source>
        <translation>工作区、观察列表行和颜色组将添加到您现有的设置中;同名观察列表会加入新的代码。全局配置将被替换。</translation>
    </message>
    <message>
        <source>&amp;Import</source>
        <translation>导入(&amp;I)</translation>
    </message>
</context>
<context>
    <name>ReportDialog</name>
    <message>
        <source>Report a Login Problem</source>
        <extracomment>A file&apos;s text shown in the dialog is cut after this many characters (a long log). A hung network drive must not keep the save dialog from opening.</extracomment>
        <translation>报告登录问题</translation>
    </message>
    <message>
        <source>These files help support see what happened when you logged in. They hold no password, security code, response or session, and your user name only as a code that support cannot turn back into it. Select a file to see exactly what it contains. Nothing is sent: save the file, then send it to support yourself.</source>
        <translation>这些文件帮助客服了解您登录时发生了什么。其中不含密码、安全代码、响应码或会话;您的用户名只以一个代码出现,客服无法将其还原为用户名。选择一个文件即可查看其确切内容。本程序不会发送任何内容:请保存文件,然后自行发送给客服。</translation>
    </message>
    <message>
        <source>&amp;Files in the report:</source>
        <translation>报告中的文件(&amp;F):</translation>
    </message>
    <message>
        <source>&amp;Content of the selected file:</source>
        <translation>所选文件的内容(&amp;C):</translation>
    </message>
    <message>
        <source>&amp;Save...</source>
        <translation>保存(&amp;S)...</translation>
    </message>
    <message>
        <source>The report could not be put together.</source>
        <translation>无法生成报告。</translation>
    </message>
    <message>
        <source>Putting the report together…</source>
        <translation>正在生成报告…</translation>
    </message>
    <message>
        <source>Report saved to {path}</source>
        <translation>报告已保存到 {path}</translation>
    </message>
    <message>
        <source>{count} files, {size} in all.</source>
        <translation>共 {count} 个文件,{size}。</translation>
    </message>
    <message>
        <source>Save the Report As</source>
        <translation>报告另存为</translation>
    </message>
    <message>
        <source>Zip archives (*.zip)</source>
        <translation>Zip 压缩文件 (*.zip)</translation>
    </message>
    <message>
        <source>Saving the report to {path}…</source>
        <translation>正在将报告保存到 {path}…</translation>
    </message>
    <message>
        <source>The report could not be saved.</source>
        <translation>无法保存报告。</translation>
    </message>
    <message>
        <source>The report was not saved to {path}.</source>
        <translation>报告未保存到 {path}。</translation>
    </message>
    <message>
        <source>A file already there under that name was left as it was.</source>
        <translation>该位置已有的同名文件保持不变。</translation>
    </message>
</context>
<context>
    <name>SaveAsFlow</name>
    <message>
        <source>Save Decrypted Settings As</source>
        <translation>另存解密设置为</translation>
    </message>
    <message>
        <source>Save Settings As</source>
        <translation>另存设置为</translation>
    </message>
    <message>
        <source>The settings will be saved as plain, unencrypted XML.</source>
        <translation>设置将保存为未加密的纯XML文件。</translation>
    </message>
    <message>
        <source>Anyone who gets this file can read it (your workspaces, watchlists, notes and Global Configuration) and import it. Use it to move your layout settings to another user.

To move your settings to another computer for yourself, use Save Settings As instead: it encrypts the file so that only you can open it.

Save the settings unencrypted?</source>
        <translation>任何获得此文件的人都能读取其内容(您的工作区、观察列表、笔记和全局配置)并将其导入。此方式用于将您的布局设置转给另一个用户。

如需将您自己的设置转移到另一台电脑,请改用“另存设置为”:它会加密文件,只有您本人能打开。

以未加密方式保存设置?</translation>
    </message>
    <message>
        <source>Saving settings to {path}…</source>
        <translation>正在将设置保存到{path}…</translation>
    </message>
    <message>
        <source>Settings saved to {path}</source>
        <translation>设置已保存到{path}</translation>
    </message>
    <message>
        <source>The settings could not be saved.</source>
        <translation>无法保存设置。</translation>
    </message>
    <message>
        <source>The settings were not saved to {path}.</source>
        <translation>设置未保存到{path}。</translation>
    </message>
    <message>
        <source>A file already there under that name was left as it was.</source>
        <translation>已有的同名文件保持不变。</translation>
    </message>
</context>
<context>
    <name>SecurityMessages</name>
    <message>
        <source>Your session has expired. Log out, then log in again to manage your security devices.</source>
        <translation>您的会话已过期。请退出,然后重新登录以管理您的安全设备。</translation>
    </message>
    <message>
        <source>Something went wrong. Try again later.</source>
        <translation>出现问题。请稍后重试。</translation>
    </message>
    <message>
        <source>The identity check is not valid for this. Start again.</source>
        <extracomment>The refusals of the security centre, by code (KB2481&apos;s wording for the sharing rules).</extracomment>
        <translation>此身份验证对该操作无效。请重新开始。</translation>
    </message>
    <message>
        <source>The identity check was already used once. Start again.</source>
        <translation>此身份验证已使用过一次。请重新开始。</translation>
    </message>
    <message>
        <source>The identity check has expired. Start again.</source>
        <translation>此身份验证已过期。请重新开始。</translation>
    </message>
    <message>
        <source>The identity check was made for another task. Start again.</source>
        <translation>此身份验证是为其它操作进行的。请重新开始。</translation>
    </message>
    <message>
        <source>Less secure device: the device to share must be the most secure one of the users involved. Identify the most secure device and share that one.</source>
        <translation>设备安全等级低:共享的设备必须是参与使用者的设备中安全等级最高的。请选择安全等级最高的设备进行共享。</translation>
    </message>
    <message>
        <source>Different identification information: the users involved do not belong to the same entity or person. If they do, contact Client Services to correct the data on record.</source>
        <translation>身份信息不同:参与使用者不属于同一实体/个人。如果属于同一实体/个人,请联系客户服务更正存档资料。</translation>
    </message>
    <message>
        <source>A user involved holds a temporary security device (temporary passcode or Online Security Code Card): a device cannot be shared until it is replaced.</source>
        <translation>有参与使用者持有临时安全设备(临时码、在线安全代码卡):更换前无法共享设备。</translation>
    </message>
    <message>
        <source>There is nothing to share: the device is yours, or it is already shared with you or waiting for approval.</source>
        <translation>无需共享:该设备属于您,或已与您共享,或正在等待批准。</translation>
    </message>
</context>
<context>
    <name>SecurityWindow</name>
    <message>
        <source>Loading your security devices…</source>
        <extracomment>The devices listed (``None`` until the first answer). The action dialog open now (one at a time).</extracomment>
        <translation>正在加载您的安全设备…</translation>
    </message>
    <message>
        <source>You have no active security device.</source>
        <translation>您没有活跃的安全设备。</translation>
    </message>
    <message>
        <source>Your security devices could not be loaded: {reason}</source>
        <translation>无法加载您的安全设备:{reason}</translation>
    </message>
    <message>
        <source>Change the PIN in IBKR Mobile: Authenticate &gt; Change PIN</source>
        <translation>请在移动IBKR中更改PIN码:验证 &gt; 更改PIN码</translation>
    </message>
    <message>
        <source>To change the PIN of your Digital Security Card+, click Change PIN... and answer a challenge with the new PIN on the card.</source>
        <translation>要更改数码安全卡+的PIN码,请点击“更改PIN码...”,然后在卡上用新的PIN码回应挑战码。</translation>
    </message>
    <message>
        <source>Secure Login System</source>
        <translation>安全登录系统</translation>
    </message>
    <message>
        <source>Your security devices</source>
        <translation>您的安全设备</translation>
    </message>
    <message>
        <source>The device that confirms a withdrawal sets its limit, per day and per 5 business days.</source>
        <translation>用于确认取款的设备决定您的取款限额(单日及5个工作日内)。</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Withdrawal limit per day</source>
        <translation>单日最高取款限额</translation>
    </message>
    <message>
        <source>Per 5 business days</source>
        <translation>5个工作日内最高取款限额</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>重试</translation>
    </message>
    <message>
        <source>Withdraw funds...</source>
        <translation>取款...</translation>
    </message>
    <message>
        <source>Share a device...</source>
        <translation>共享设备...</translation>
    </message>
    <message>
        <source>Change PIN...</source>
        <translation>更改PIN码...</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>SelectDevicePage</name>
    <message>
        <source>Select second factor device</source>
        <extracomment>How often the countdowns are refreshed (milliseconds).</extracomment>
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
    <name>ServerMessages</name>
    <message>
        <source>The connection to the server was lost during the transfer. Try again.</source>
        <translation>传输过程中与服务器的连接中断。请重试。</translation>
    </message>
    <message>
        <source>The settings are too large to store on the server ({size}; the server keeps at most {limit}). Remove some workspaces or notes, then try again.</source>
        <translation>设置太大,无法存储到服务器({size};服务器最多保存 {limit})。请删除部分工作区或笔记后重试。</translation>
    </message>
    <message>
        <source>The settings are too large to store on the server.</source>
        <translation>设置太大,无法存储到服务器。</translation>
    </message>
    <message>
        <source>Your session has ended. Log out, then log in again to use the settings on the server.</source>
        <translation>您的会话已结束。请注销后重新登录,以使用服务器上的设置。</translation>
    </message>
    <message>
        <source>This login does not allow settings on the server.</source>
        <translation>本次登录不允许使用服务器上的设置。</translation>
    </message>
    <message>
        <source>The server refused the request: {message}</source>
        <translation>服务器拒绝了请求:{message}</translation>
    </message>
    <message>
        <source>The copy on the server has been changed or damaged since it was saved, so it was not used.</source>
        <translation>服务器上的副本在保存后已被更改或损坏,因此未被使用。</translation>
    </message>
    <message>
        <source>The copy on the server holds another user&apos;s settings, so it was not used.</source>
        <translation>服务器上的副本是其他用户的设置,因此未被使用。</translation>
    </message>
    <message>
        <source>Your settings key is not on this computer, so the copy on the server cannot be opened. Log out, then log in again with your security device.</source>
        <translation>此电脑上没有您的设置密钥,因此无法打开服务器上的副本。请注销,然后使用您的安全设备重新登录。</translation>
    </message>
    <message>
        <source>The copy on the server cannot be opened.</source>
        <translation>无法打开服务器上的副本。</translation>
    </message>
    <message>
        <source>Something went wrong ({kind}).</source>
        <translation>出现了问题({kind})。</translation>
    </message>
    <message>
        <source>{action} {done} of {total}</source>
        <translation>{action} {done} / {total}</translation>
    </message>
</context>
<context>
    <name>ServerSettingsController</name>
    <message>
        <source>The settings saved on the server at {time} by {machine} are in use (version {number}). This computer&apos;s settings were kept as a backup.</source>
        <extracomment>A progress dialog shows only when the work takes longer than this (no flash for quick ones). How long a status bar message stays. A call of the client, run on the worker: ``call(settings, progress)``. Stored on the server as this version. The user took the server&apos;s copy: it is now the local settings; the window shows it. It failed (the user was told). A conflict the user left for later (Cancel): nothing changed. A progress dialog shows after this long (default: :data:`PROGRESS_DELAY_MS`). Called before the server&apos;s copy replaces the local settings, with the function that does it: the window flushes its local saves first (and makes none until it shows it). Called when that replacement has ended, done or failed. What the user sees or answers now (tests drive them).</extracomment>
        <translation>正在使用 {machine} 于 {time} 保存到服务器的设置(版本 {number})。此电脑的设置已保留为备份。</translation>
    </message>
    <message>
        <source>Settings saved to the server (version {number}).</source>
        <translation>设置已保存到服务器(版本 {number})。</translation>
    </message>
    <message>
        <source>The settings were not saved to the server: another computer saved settings there first. Use File &gt; Layout Settings &gt; Save Settings to choose which to keep.</source>
        <translation>设置未保存到服务器:另一台电脑已先在服务器上保存了设置。请使用“文件 &gt; 布局设置 &gt; 保存设置”选择要保留哪一份。</translation>
    </message>
    <message>
        <source>Saving settings to the server failed; your settings are saved on this computer. {reason}</source>
        <translation>保存设置到服务器失败;您的设置已保存在此电脑上。{reason}</translation>
    </message>
</context>
<context>
    <name>SettingsConflictDialog</name>
    <message>
        <source>today at {time}</source>
        <translation>于今天{time}</translation>
    </message>
    <message>
        <source>yesterday at {time}</source>
        <translation>于昨天{time}</translation>
    </message>
    <message>
        <source>on {date} at {time}</source>
        <translation>于{date} {time}</translation>
    </message>
    <message>
        <source>No differences: both copies hold the same settings.</source>
        <translation>没有差异:两份副本的设置相同。</translation>
    </message>
    <message>
        <source>1 workspace</source>
        <translation>1 个工作区</translation>
    </message>
    <message>
        <source>{count} workspaces</source>
        <translation>{count} 个工作区</translation>
    </message>
    <message>
        <source>1 panel</source>
        <translation>1 个面板</translation>
    </message>
    <message>
        <source>{count} panels</source>
        <translation>{count} 个面板</translation>
    </message>
    <message>
        <source>1 watchlist row</source>
        <translation>1 个观察列表行</translation>
    </message>
    <message>
        <source>{count} watchlist rows</source>
        <translation>{count} 个观察列表行</translation>
    </message>
    <message>
        <source>1 setting</source>
        <translation>1 项设置</translation>
    </message>
    <message>
        <source>{count} settings</source>
        <translation>{count} 项设置</translation>
    </message>
    <message>
        <source>1 color group</source>
        <translation>1 个颜色组</translation>
    </message>
    <message>
        <source>{count} color groups</source>
        <translation>{count} 个颜色组</translation>
    </message>
    <message>
        <source>Only settings written by a newer version differ.</source>
        <translation>只有较新版本写入的设置不同。</translation>
    </message>
    <message>
        <source>{item} differs.</source>
        <translation>{item}不同。</translation>
    </message>
    <message>
        <source>{items} differ.</source>
        <translation>{items}不同。</translation>
    </message>
    <message>
        <source>{items}, {item}</source>
        <translation>{items}、{item}</translation>
    </message>
    <message>
        <source>{items} and {item}</source>
        <translation>{items} 和 {item}</translation>
    </message>
    <message>
        <source>Hide &amp;Comparison</source>
        <translation>隐藏比较(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Compare...</source>
        <translation>比较(&amp;C)...</translation>
    </message>
    <message>
        <source>Settings on the Server</source>
        <translation>服务器上的设置</translation>
    </message>
    <message>
        <source>Your settings were saved on another computer</source>
        <translation>您的设置已在另一台电脑上保存</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>Another computer ({machine}) saved your settings to the server {when}, after this computer last saved or took them. The settings on this computer have changed since, too.</source>
        <translation>另一台电脑 ({machine}) {when}将您的设置保存到了服务器,晚于此电脑上次保存或获取这些设置的时间。此电脑上的设置此后也有更改。</translation>
    </message>
    <message>
        <source>Which settings do you want to use? Nothing changes until you choose.</source>
        <translation>您要使用哪一份设置?在您选择之前,不会做任何更改。</translation>
    </message>
    <message>
        <source>Nothing is lost either way: this computer keeps a backup of its settings before using the server&apos;s, and the server keeps its earlier versions (File &gt; Layout Settings &gt; Layout/Settings Recovery).</source>
        <translation>无论选择哪一份,都不会丢失任何内容:使用服务器的设置之前,此电脑会先备份自己的设置;服务器也会保留其较早的版本(文件 &gt; 布局设置 &gt; 布局/设置恢复)。</translation>
    </message>
    <message>
        <source>&amp;Keep this computer&apos;s settings</source>
        <translation>保留此电脑的设置(&amp;K)</translation>
    </message>
    <message>
        <source>&amp;Use the server&apos;s settings</source>
        <translation>使用服务器的设置(&amp;U)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Decide later: nothing changes on this computer or on the server</source>
        <translation>稍后决定:此电脑和服务器上的内容都不会更改</translation>
    </message>
</context>
<context>
    <name>SettingsFileDialog</name>
    <message>
        <source>No drive found</source>
        <extracomment>A hung network drive must not keep the dialog from opening: after this long it opens without the drives, and they are added when they arrive. What the dialogs remember when the caller gives no :class:`FolderMemory` of its own.</extracomment>
        <translation>未找到驱动器</translation>
    </message>
    <message>
        <source>Choose a drive…</source>
        <translation>选择驱动器…</translation>
    </message>
    <message>
        <source>Home</source>
        <translation>主目录</translation>
    </message>
    <message>
        <source>your home folder</source>
        <translation>您的主文件夹</translation>
    </message>
    <message>
        <source>USB or removable drive</source>
        <translation>U盘或可移动驱动器</translation>
    </message>
    <message>
        <source>Network drive</source>
        <translation>网络驱动器</translation>
    </message>
    <message>
        <source>Local drive</source>
        <translation>本地驱动器</translation>
    </message>
    <message>
        <source>{size} free</source>
        <translation>可用{size}</translation>
    </message>
    <message>
        <source>read-only</source>
        <translation>只读</translation>
    </message>
    <message>
        <source>{name} — {details} ({path})</source>
        <translation>{name} — {details} ({path})</translation>
    </message>
    <message>
        <source>Settings files (*.xml)</source>
        <translation>设置文件 (*.xml)</translation>
    </message>
    <message>
        <source>&amp;Drives:</source>
        <translation>驱动器(&amp;D):</translation>
    </message>
    <message>
        <source>&amp;Look in:</source>
        <translation>查找范围(&amp;L):</translation>
    </message>
    <message>
        <source>File &amp;name:</source>
        <translation>文件名(&amp;N):</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>文件类型(&amp;T):</translation>
    </message>
    <message>
        <source>Go to a USB stick or a network drive</source>
        <translation>转到U盘或网络驱动器</translation>
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
        <source>Security code by voice call</source>
        <translation>语音回呼安全代码</translation>
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
        <source>{digits}-digit security code</source>
        <translation>{digits}位数安全代码</translation>
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
    <name>WatchlistModel</name>
    <message>
        <source>{symbol} on {exchange}</source>
        <translation>{exchange}上的{symbol}</translation>
    </message>
</context>
<context>
    <name>WatchlistPanel</name>
    <message>
        <source>&amp;Add symbol:</source>
        <translation>添加代码(&amp;A):</translation>
    </message>
    <message>
        <source>e.g. AAPL</source>
        <translation>例如AAPL</translation>
    </message>
    <message>
        <source>Symbol to add</source>
        <translation>要添加的代码</translation>
    </message>
    <message>
        <source>Up to 12 letters, digits, &apos;.&apos;, &apos;-&apos; or spaces; press Enter to add</source>
        <translation>最多12个字母、数字、&apos;.&apos;、&apos;-&apos;或空格;按回车键添加</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Add symbol</source>
        <translation>添加代码</translation>
    </message>
    <message>
        <source>&amp;Columns</source>
        <translation>列(&amp;C)</translation>
    </message>
    <message>
        <source>Choose columns</source>
        <translation>选择列</translation>
    </message>
    <message>
        <source>Choose the columns the watchlist shows</source>
        <translation>选择观察列表显示的列</translation>
    </message>
    <message>
        <source>Watchlist</source>
        <translation>观察列表</translation>
    </message>
    <message>
        <source>Double-click or press F2 to change a symbol; Delete removes the selected rows; Alt+Up and Alt+Down move a row</source>
        <translation>双击或按F2更改代码;按Delete删除所选行;按Alt+Up和Alt+Down移动行</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>删除(&amp;R)</translation>
    </message>
    <message>
        <source>Move &amp;Up</source>
        <translation>上移(&amp;U)</translation>
    </message>
    <message>
        <source>Move &amp;Down</source>
        <translation>下移(&amp;D)</translation>
    </message>
</context>
<context>
    <name>WithdrawalDialog</name>
    <message>
        <source>Enter an amount in US dollars, such as 2500.00.</source>
        <extracomment>The purpose of the identity check that confirms a withdrawal. The largest amount the field takes (digits before the decimal point). The amount being withdrawn (set on Continue). The kind of the device that confirmed the withdrawal sent last. What the server answered: the withdrawal, or the error refusing it.</extracomment>
        <translation>请输入以美元计的金额,例如2500.00。</translation>
    </message>
    <message>
        <source>Confirm the withdrawal of {amount} with one of your security devices: enter your user name and password and click Continue.</source>
        <translation>请使用您的一个安全设备确认{amount}的取款:输入用户名和密码,然后点击继续。</translation>
    </message>
    <message>
        <source>Sending the withdrawal…</source>
        <translation>正在发送取款请求…</translation>
    </message>
    <message>
        <source>Withdrawal accepted</source>
        <translation>取款已接受</translation>
    </message>
    <message>
        <source>Withdrawal {number} of {amount} was accepted, confirmed with your {device}.</source>
        <translation>第{number}号取款({amount})已接受,由您的{device}确认。</translation>
    </message>
    <message>
        <source>Withdrawal refused</source>
        <translation>取款被拒绝</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>{amount} is more than your {device} can confirm: {per_day} a day and {per_five_days} in 5 business days, counting your earlier withdrawals. Confirm it with: {devices}.</source>
        <translation>{amount}超出了您的{device}可确认的限额:单日{per_day},5个工作日内{per_five_days}(包括您之前的取款)。请使用以下设备确认:{devices}。</translation>
    </message>
    <message>
        <source>Withdraw funds</source>
        <translation>取款</translation>
    </message>
    <message>
        <source>The security device you confirm the withdrawal with sets its limit per day: {card} with a Security Code Card or SMS, {ib_key} with IB Key, no limit with the Digital Security Card+.</source>
        <translation>用于确认取款的安全设备决定您的单日取款限额:安全代码卡或短信为{card},IB Key为{ib_key},数码安全卡+不限。</translation>
    </message>
    <message>
        <source>&amp;Amount</source>
        <translation>金额(&amp;A)</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Confirm with another device...</source>
        <translation>使用其它设备确认...</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>WorkstationWindow</name>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>Log Out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <source>Workspace 1</source>
        <extracomment>The longest stretch of building or deleting panels before the event loop runs again. A workspace being built is laid out every this many new panels (each pass in a turn of the event loop of its own): one pass over a hundred new panels would stall the window. A change is saved this long after the last one. A moved or resized window&apos;s place is saved this long after it stopped moving. How long a status bar message stays. The main window&apos;s size when nothing is remembered (shrunk to the screen). A floating panel&apos;s size when nothing is remembered. The layout shown (see :meth:`current_layout`). Help &gt; Report a login problem (a ReportDialog, imported when first opened). Help &gt; Check My Setup (a DoctorDialog, imported when first opened). Settings &gt; Secure Login System (a SecurityWindow, imported when first opened). The outer rectangle applied before the window had a frame (see _apply_main). The settings on the server (made when first needed; the app&apos;s after a download). Something changed since the settings were last stored on the server. The server&apos;s copy is replacing the local settings: no local save meanwhile. The layout handed to the last local save (what an upload after it sends). A layout applied is to be saved once the window has built it (see apply_layout). Pages built and laid out, still (partly) covered (see :meth:`_build_slice`). Floating panels of the workspace shown, to show (a few per turn of the event loop). Panels that said they changed since the layout was last collected.</extracomment>
        <translation>工作区 1</translation>
    </message>
    <message>
        <source>Opening the workspace…</source>
        <translation>正在打开工作区…</translation>
    </message>
    <message>
        <source>Saving settings…</source>
        <extracomment>The layout shown (see :meth:`current_layout`).</extracomment>
        <translation>正在保存设置…</translation>
    </message>
    <message>
        <source>Settings saved.</source>
        <translation>设置已保存。</translation>
    </message>
    <message>
        <source>The settings could not be saved.</source>
        <translation>无法保存设置。</translation>
    </message>
    <message>
        <source>Saving the settings failed: {reason} Your changes are kept.</source>
        <translation>保存设置失败:{reason} 您的更改已保留。</translation>
    </message>
    <message>
        <source>Saving the settings failed</source>
        <translation>保存设置失败</translation>
    </message>
    <message>
        <source>Your layout settings could not be saved.</source>
        <translation>无法保存您的布局设置。</translation>
    </message>
    <message>
        <source>{reason}

Your changes are kept in this window and will be saved again with the next change, with File &gt; Layout Settings &gt; Save Settings, or on exit.</source>
        <translation>{reason}

您的更改保留在此窗口中,并将在下次更改时、使用“文件 &gt; 布局设置 &gt; 保存设置”时或退出时再次保存。</translation>
    </message>
    <message>
        <source>The window positions could not be saved.</source>
        <translation>无法保存窗口位置。</translation>
    </message>
    <message>
        <source>Version {number} from the server is in use, and is now the current copy on the server.</source>
        <translation>正在使用服务器上的版本 {number},它现在也是服务器上的当前副本。</translation>
    </message>
    <message>
        <source>This language is not installed.</source>
        <translation>未安装此语言。</translation>
    </message>
    <message>
        <source>New Workspace</source>
        <translation>新建工作区</translation>
    </message>
    <message>
        <source>Name of the new workspace:</source>
        <translation>新工作区的名称:</translation>
    </message>
    <message>
        <source>Workspace {number}</source>
        <translation>工作区 {number}</translation>
    </message>
    <message>
        <source>Rename Workspace</source>
        <translation>重命名工作区</translation>
    </message>
    <message>
        <source>New name of the workspace:</source>
        <translation>工作区的新名称:</translation>
    </message>
    <message>
        <source>Close Workspace</source>
        <translation>关闭工作区</translation>
    </message>
    <message>
        <source>Close the workspace &quot;{name}&quot; and its {count} panels? This cannot be undone (Layout/Settings Recovery keeps earlier versions).</source>
        <translation>关闭工作区“{name}”及其{count}个面板?此操作无法撤销(“布局/设置恢复”保留了之前的版本)。</translation>
    </message>
    <message>
        <source>No color group</source>
        <translation>无颜色组</translation>
    </message>
    <message>
        <source>Color Group</source>
        <translation>颜色组</translation>
    </message>
    <message>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Color group: {name} (click to change)</source>
        <translation>颜色组:{name} (点击更改)</translation>
    </message>
    <message>
        <source>Auto Log-Off</source>
        <translation>自动退出登录</translation>
    </message>
    <message>
        <source>TWS Companion will log off automatically in {minutes} minutes.</source>
        <translation>TWS Companion将在{minutes}分钟后自动退出登录。</translation>
    </message>
    <message>
        <source>TWS Companion will log off automatically in 1 minute.</source>
        <translation>TWS Companion将在1分钟后自动退出登录。</translation>
    </message>
    <message>
        <source>Your settings are saved first if Save settings on exit is set.</source>
        <translation>如果已勾选“退出时保存设置”,将先保存您的设置。</translation>
    </message>
    <message>
        <source>Log Off Now</source>
        <translation>立即退出登录</translation>
    </message>
    <message>
        <source>Postpone 1 Hour</source>
        <translation>推迟1小时</translation>
    </message>
    <message>
        <source>Exit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>Save the settings before exiting?</source>
        <translation>退出前保存设置?</translation>
    </message>
    <message>
        <source>The settings could not be saved: {reason}

Leave without saving?</source>
        <translation>无法保存设置:{reason}

不保存直接退出?</translation>
    </message>
    <message>
        <source>TWS Companion Workstation — {user}</source>
        <translation>TWS Companion 工作站 — {user}</translation>
    </message>
    <message>
        <source>Layout Settings</source>
        <translation>布局设置</translation>
    </message>
    <message>
        <source>Save Settings</source>
        <translation>保存设置</translation>
    </message>
    <message>
        <source>Save Settings As...</source>
        <translation>另存设置为...</translation>
    </message>
    <message>
        <source>Save Decrypted Settings As...</source>
        <translation>另存解密设置为...</translation>
    </message>
    <message>
        <source>Layout/Settings Recovery...</source>
        <translation>布局/设置恢复...</translation>
    </message>
    <message>
        <source>Global Configuration...</source>
        <translation>全局配置...</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>Mosaic</source>
        <translation>综合交易界面</translation>
    </message>
    <message>
        <source>Classic</source>
        <translation>经典交易界面</translation>
    </message>
    <message>
        <source>&amp;Window</source>
        <translation>窗口(&amp;W)</translation>
    </message>
    <message>
        <source>New Window</source>
        <translation>新窗口</translation>
    </message>
    <message>
        <source>New Workspace...</source>
        <translation>新建工作区...</translation>
    </message>
    <message>
        <source>Rename Workspace...</source>
        <translation>重命名工作区...</translation>
    </message>
    <message>
        <source>Gather Windows</source>
        <translation>收集窗口</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>About TWS Companion</source>
        <translation>关于 TWS Companion</translation>
    </message>
    <message>
        <source>Report a Login Problem...</source>
        <translation>报告登录问题...</translation>
    </message>
    <message>
        <source>Check My Setup...</source>
        <translation>检查我的设置...</translation>
    </message>
    <message>
        <source>&amp;Settings</source>
        <translation>设置(&amp;S)</translation>
    </message>
    <message>
        <source>Secure Login System...</source>
        <translation>安全登录系统...</translation>
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
        <source>Logged in as {user} · {scope} · {server}</source>
        <translation>已登录:{user} · {scope} · {server}</translation>
    </message>
    <message>
        <source>Locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <source>The workstation was locked because it was not used for a while. Log out, then log in again with your password and security device to continue. Your settings are kept.</source>
        <translation>工作站因一段时间未使用已被锁定。如需继续,请退出登录,然后使用密码和安全设备重新登录。您的设置已保留。</translation>
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
    <name>_DisplayPage</name>
    <message>
        <source>Display</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Theme:</source>
        <translation>主题:</translation>
    </message>
    <message>
        <source>Font size:</source>
        <translation>字体大小:</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>语言:</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source> pt</source>
        <translation> 磅</translation>
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
    <name>_Leaving</name>
    <message>
        <source>Saving Settings to the Server</source>
        <translation>正在保存设置到服务器</translation>
    </message>
    <message>
        <source>Saving settings to the server before leaving…</source>
        <translation>退出前正在保存设置到服务器…</translation>
    </message>
    <message>
        <source>Leave Without Waiting</source>
        <translation>不等待,直接退出</translation>
    </message>
    <message>
        <source>Saving settings to the server failed</source>
        <translation>保存设置到服务器失败</translation>
    </message>
    <message>
        <source>Your settings could not be saved to the server.</source>
        <translation>无法将您的设置保存到服务器。</translation>
    </message>
    <message>
        <source>{reason}

Your settings are saved on this computer. Leave without saving them to the server?</source>
        <translation>{reason}

您的设置已保存在此电脑上。不保存到服务器就退出吗?</translation>
    </message>
    <message>
        <source>&amp;Leave Without Saving to the Server</source>
        <translation>不保存到服务器直接退出(&amp;L)</translation>
    </message>
</context>
<context>
    <name>_LockAndExitPage</name>
    <message>
        <source>Lock and Exit</source>
        <extracomment>The longest idle time before the lock, and between two auto-saves, offered (minutes). The longest warning before the auto log-off (minutes). Font sizes offered, in points.</extracomment>
        <translation>锁定和退出</translation>
    </message>
    <message>
        <source>Auto log-off time:</source>
        <translation>自动退出登录时间:</translation>
    </message>
    <message>
        <source>Warn before log-off:</source>
        <translation>退出登录前提醒:</translation>
    </message>
    <message>
        <source>Lock after idle for:</source>
        <translation>闲置多久后锁定:</translation>
    </message>
    <message>
        <source>Auto-save settings every:</source>
        <translation>自动保存设置间隔:</translation>
    </message>
    <message>
        <source> minutes</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>从不</translation>
    </message>
    <message>
        <source>Set to 0 to never lock the workstation.</source>
        <translation>设为0则从不锁定工作站。</translation>
    </message>
    <message>
        <source>Set to 0 to save only on changes, on exit and with Save Settings.</source>
        <translation>设为0则只在更改时、退出时和使用“保存设置”时保存。</translation>
    </message>
    <message>
        <source>Save settings on exit</source>
        <translation>退出时保存设置</translation>
    </message>
    <message>
        <source>Use/store settings on server</source>
        <translation>使用/在服务器上存储设置</translation>
    </message>
    <message>
        <source>The same setting as the tick in the login window: it is remembered for this user name on this computer.</source>
        <translation>与登录窗口中的勾选项为同一设置:此电脑会为该用户名记住此设置。</translation>
    </message>
</context>
<context>
    <name>_LoginDownload</name>
    <message>
        <source>TWS Companion</source>
        <translation>TWS Companion</translation>
    </message>
    <message>
        <source>Downloading settings from server…</source>
        <translation>正在从服务器下载设置…</translation>
    </message>
    <message>
        <source>Use This Computer&apos;s Settings</source>
        <translation>使用此电脑的设置</translation>
    </message>
    <message>
        <source>Downloading settings from server was stopped. This computer&apos;s settings are in use.</source>
        <translation>已停止从服务器下载设置。正在使用此电脑的设置。</translation>
    </message>
    <message>
        <source>The settings from the server are in use (version {number}).</source>
        <translation>正在使用服务器上的设置(版本 {number})。</translation>
    </message>
    <message>
        <source>Your settings are the same as on the server (version {number}).</source>
        <translation>您的设置与服务器上的相同(版本 {number})。</translation>
    </message>
    <message>
        <source>There are no settings on the server yet: File &gt; Layout Settings &gt; Save Settings stores them there.</source>
        <translation>服务器上暂无设置:使用“文件 &gt; 布局设置 &gt; 保存设置”即可将设置存储到服务器。</translation>
    </message>
    <message>
        <source>Something went wrong.</source>
        <translation>出现了问题。</translation>
    </message>
    <message>
        <source>Downloading settings from server failed</source>
        <translation>从服务器下载设置失败</translation>
    </message>
    <message>
        <source>{reason}

This computer&apos;s settings stay in use.</source>
        <translation>{reason}

将继续使用此电脑的设置。</translation>
    </message>
    <message>
        <source>Downloading settings from server failed. This computer&apos;s settings are in use.</source>
        <translation>从服务器下载设置失败。正在使用此电脑的设置。</translation>
    </message>
    <message>
        <source>Saving this computer&apos;s settings to the server…</source>
        <translation>正在将此电脑的设置保存到服务器…</translation>
    </message>
    <message>
        <source>The settings from the server could not be used: {reason} This computer&apos;s settings are in use.</source>
        <translation>无法使用服务器上的设置:{reason} 正在使用此电脑的设置。</translation>
    </message>
    <message>
        <source>This computer&apos;s settings are in use.</source>
        <translation>正在使用此电脑的设置。</translation>
    </message>
</context>
<context>
    <name>_OpenWords</name>
    <message>
        <source>This file holds the encrypted settings of another user ({owner}); only that user can open it. Ask them to save their settings with File &gt; Layout Settings &gt; Save Decrypted Settings As, then open that file.</source>
        <extracomment>At most this many names (workspaces, color groups) in a preview; the rest are counted. A name from a file is cut to this many characters in a preview.</extracomment>
        <translation>此文件存有另一个用户({owner})的加密设置,只有该用户才能打开。请让对方通过“文件 &gt; 布局设置 &gt; 另存解密设置为”保存其设置,然后打开那个文件。</translation>
    </message>
    <message>
        <source>This encrypted settings file has been changed or damaged since it was saved, so it was not opened. Use another copy: a backup, or save the settings again on the first computer.</source>
        <translation>此加密设置文件在保存后已被更改或损坏,因此未打开。请使用其它副本:备份,或在原来的电脑上重新保存设置。</translation>
    </message>
    <message>
        <source>This settings file was saved by a newer version of TWS Companion (format {version}; this version reads up to {supported}). Update TWS Companion, then open the file again.</source>
        <translation>此设置文件由更新版本的TWS Companion保存(格式{version};此版本最高只能读取{supported})。请更新TWS Companion,然后重新打开该文件。</translation>
    </message>
    <message>
        <source>This is not a TWS Companion settings file. Choose a file saved with Save Settings As or Save Decrypted Settings As.</source>
        <translation>这不是TWS Companion设置文件。请选择用“另存设置为”或“另存解密设置为”保存的文件。</translation>
    </message>
    <message>
        <source>This file is too large to be a settings file ({size}; the limit is {limit}). Choose the .xml file saved with Save Settings As or Save Decrypted Settings As.</source>
        <translation>此文件太大,不可能是设置文件({size};上限为{limit})。请选择用“另存设置为”或“另存解密设置为”保存的.xml文件。</translation>
    </message>
    <message>
        <source>The settings file is damaged (cut short or edited) and cannot be read. Choose another copy, for example one of the backups in this list.</source>
        <translation>设置文件已损坏(被截断或被编辑),无法读取。请选择其它副本,例如此列表中的某个备份。</translation>
    </message>
    <message>
        <source>This file holds your encrypted settings, but your settings key is not on this computer yet. Log in once with your security device (the key is then kept in the system keyring), then open the file again.</source>
        <translation>此文件存有您的加密设置,但此电脑上还没有您的设置密钥。请使用安全设备登录一次(密钥随后会保存在系统密钥环中),然后重新打开该文件。</translation>
    </message>
    <message>
        <source>The settings file cannot be opened. Choose another file.</source>
        <translation>无法打开该设置文件。请选择其它文件。</translation>
    </message>
</context>
<context>
    <name>_PlatformPage</name>
    <message>
        <source>Enter the {digits}-digit challenge code shown at login.</source>
        <extracomment>The PIN an iPhone keeps in its secure store for a user it activates (Touch ID releases it).</extracomment>
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
<context>
    <name>_StorageWords</name>
    <message>
        <source>The drive is full. Free some space on it or choose another drive, then try again.</source>
        <translation>驱动器已满。请释放一些空间或选择其它驱动器,然后重试。</translation>
    </message>
    <message>
        <source>The folder {folder} cannot be written to: the drive is read-only (or write-protected) or you do not have permission to write there. Choose another folder or drive.</source>
        <translation>无法写入文件夹{folder}:驱动器为只读(或有写保护),或者您没有在该处写入的权限。请选择其它文件夹或驱动器。</translation>
    </message>
    <message>
        <source>You do not have permission to read {path}. Ask the owner of the file for a copy, or choose another file.</source>
        <translation>您没有读取{path}的权限。请向文件所有者索取副本,或选择其它文件。</translation>
    </message>
    <message>
        <source>The folder {folder} is no longer available: was the USB stick pulled out or the network drive disconnected? Connect it again and try again, or choose another folder.</source>
        <translation>文件夹{folder}已不可用:是否拔出了U盘或断开了网络驱动器?请重新连接后重试,或选择其它文件夹。</translation>
    </message>
    <message>
        <source>The file {path} does not exist (any more). Choose another file.</source>
        <translation>文件{path}不存在(或已被删除)。请选择其它文件。</translation>
    </message>
    <message>
        <source>{path} is in use by another program. Close that program and try again.</source>
        <translation>{path}正被另一个程序使用。请关闭该程序后重试。</translation>
    </message>
    <message>
        <source>{path} is not a file. Choose a settings file.</source>
        <translation>{path}不是文件。请选择设置文件。</translation>
    </message>
    <message>
        <source>The file is too large to be a settings file. Choose the .xml file saved with Save Settings As or Save Decrypted Settings As.</source>
        <translation>此文件太大,不可能是设置文件。请选择用“另存设置为”或“另存解密设置为”保存的.xml文件。</translation>
    </message>
    <message>
        <source>The file was written, but reading it back gave different content: the drive may be failing. Save again, or choose another drive.</source>
        <translation>文件已写入,但读回的内容不一致:驱动器可能出现故障。请重新保存,或选择其它驱动器。</translation>
    </message>
    <message>
        <source>TWS Companion is already running for this user on this computer. Switch to that window, or close it and try again.</source>
        <translation>此电脑上已有该用户的TWS Companion在运行。请切换到该窗口,或将其关闭后重试。</translation>
    </message>
    <message>
        <source>Your settings key is not on this computer yet. Log in once with your security device (the key is then kept in the system keyring), then try again.</source>
        <translation>此电脑上还没有您的设置密钥。请使用安全设备登录一次(密钥随后会保存在系统密钥环中),然后重试。</translation>
    </message>
    <message>
        <source>The operating system reported: {reason}. Try again.</source>
        <translation>操作系统报告:{reason}。请重试。</translation>
    </message>
</context>
<context>
    <name>_Upload</name>
    <message>
        <source>Saving settings to the server…</source>
        <translation>正在保存设置到服务器…</translation>
    </message>
    <message>
        <source>Saving settings to the server failed</source>
        <translation>保存设置到服务器失败</translation>
    </message>
    <message>
        <source>Your settings could not be saved to the server.</source>
        <translation>无法将您的设置保存到服务器。</translation>
    </message>
    <message>
        <source>{reason}

Your settings are saved on this computer. They are saved to the server again with File &gt; Layout Settings &gt; Save Settings, the auto-save, or on exit.</source>
        <translation>{reason}

您的设置已保存在此电脑上。使用“文件 &gt; 布局设置 &gt; 保存设置”、自动保存或退出时,会再次将其保存到服务器。</translation>
    </message>
    <message>
        <source>Saving this computer&apos;s settings to the server…</source>
        <translation>正在将此电脑的设置保存到服务器…</translation>
    </message>
    <message>
        <source>The settings from the server could not be used: {reason}</source>
        <translation>无法使用服务器上的设置:{reason}</translation>
    </message>
</context>
</TS>
