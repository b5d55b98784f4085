using System.Drawing;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace ScimServer.IntegrationTests.Support;

/// <summary>
/// A real headless Chromium (Debian's <c>chromium</c>, driven through its <c>chromedriver</c>; .ci/run installs both),
/// pointed at a server process. Flags as the machine notes advise: no sandbox under root, and no background
/// networking, which a closed network refuses at every start.
/// </summary>
public sealed class Browser : IDisposable
{
    private readonly ChromeDriver _driver;

    public Browser(Uri server)
    {
        Server = server;
        var options = new ChromeOptions { BinaryLocation = Find("chromium", "/usr/bin/chromium") };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
            "--user-data-dir=" + Path.Combine(Path.GetTempPath(), "scimchrome-" + Guid.NewGuid().ToString("N")[..8]));
        var driver = Find("chromedriver", "/usr/bin/chromedriver");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(driver)!, Path.GetFileName(driver));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        _driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        _driver.Manage().Timeouts().PageLoad = TimeSpan.FromSeconds(30);
    }

    public Uri Server { get; }
    public IWebDriver Driver => _driver;

    public void Open(string path) => _driver.Navigate().GoToUrl(new Uri(Server, path));

    public IWebElement Find(string css) => _driver.FindElement(By.CssSelector(css));

    public string Text(string css) => Find(css).Text;

    /// <summary>Clicks what submits a form and waits for the answer page (a click returns before the browser leaves the old one).</summary>
    public void Submit(string css) => Submit(Find(css));

    public void Submit(IWebElement button) => Submit(button.Click);

    /// <summary>Does what submits a form (a click, a key) and waits for the answer page.</summary>
    public void Submit(Action submit)
    {
        var page = _driver.FindElement(By.TagName("html"));
        submit();
        var until = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < until)
        {
            try
            {
                _ = page.TagName;
            }
            catch (WebDriverException)
            {
                // Stale, or (Chromium, mid-navigation) "node does not belong to the document": the old page is gone.
                return;
            }
            Thread.Sleep(25);
        }
        throw new TimeoutException("The form's answer did not arrive within 20 s.");
    }

    public string CurrentPath => new Uri(_driver.Url).AbsolutePath;

    /// <summary>Forgets the session (the browser outlives each test): the next page asks for a sign-in.</summary>
    public void Reset()
    {
        Open("/console/sign-in");
        _driver.Manage().Cookies.DeleteAllCookies();
    }

    /// <summary>Signs in through the form, as a person does.</summary>
    public void SignIn(string userName, string password)
    {
        Reset();
        Open("/console/sign-in");
        Find("#username").SendKeys(userName);
        Find("#password").SendKeys(password);
        Submit("form button[type=submit]");
    }

    /// <summary>
    /// Screenshots of the page at a laptop's and a phone's size, into artifacts/console-screenshots (git-ignored),
    /// for a person to look at. At either size the page must fit its width: only tables scroll sideways, in their box.
    /// </summary>
    public void Screenshots(string name)
    {
        var folder = Repository.PathOf("artifacts", "console-screenshots");
        Directory.CreateDirectory(folder);
        foreach (var (width, height) in new[] { (1280, 800), (390, 844) })
        {
            _driver.Manage().Window.Size = new Size(width, height);
            _driver.GetScreenshot().SaveAsFile(Path.Combine(folder, $"{name}-{width}x{height}.png"));
            var overflow = ((IJavaScriptExecutor)_driver).ExecuteScript(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth") is long extra ? extra : 0;
            if (overflow > 0)
            {
                var widest = ((IJavaScriptExecutor)_driver).ExecuteScript("""
                    return [...document.querySelectorAll('body *')].filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible')
                        .slice(-5).map(e => e.tagName + (e.id ? '#' + e.id : '') + (typeof e.className === 'string' && e.className ? '.' + e.className : '') + ' ' + e.scrollWidth + '>' + e.clientWidth).join(', ')
                    """);
                throw new InvalidOperationException($"The '{name}' page is {overflow} px wider than a {width} px window: it scrolls sideways ({widest}).");
            }
        }
        _driver.Manage().Window.Size = new Size(1280, 800);
        Unlabelled(name);
    }

    /// <summary>Every control a keyboard reaches must say what it is to a screen reader: a label, an aria-label, or text.</summary>
    private void Unlabelled(string name)
    {
        var unlabelled = ((IJavaScriptExecutor)_driver).ExecuteScript("""
            return [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button, a[href]')]
                .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby')
                    && !(e.textContent || '').trim() && !(e.type === 'submit' && e.value))
                .map(e => e.outerHTML.slice(0, 120)).join('\n')
            """) as string;
        if (!string.IsNullOrEmpty(unlabelled))
        {
            throw new InvalidOperationException($"The '{name}' page has controls without a label or accessible name:\n{unlabelled}");
        }
    }

    public void Dispose()
    {
        _driver.Quit();
        _driver.Dispose();
    }

    private static string Find(string name, string fallback) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists)
        ?? (File.Exists(fallback) ? fallback : throw new InvalidOperationException(
            $"{name} was not found: install Debian's chromium and chromium-driver (apt-get install chromium chromium-driver); .ci/run does."));
}
