using System.Net;
using System.Net.Http.Json;
using BalcaoVirtual.IntegrationTests.Chatbot;
using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Features.Auth;
using Microsoft.Playwright;

namespace BalcaoVirtual.IntegrationTests.Browser;

/// <summary>The clerks' inbox in a real Chromium against the service on a loopback port, with the fake Twilio.</summary>
public sealed class InboxPageTests
{
    private const string Password = "senha-forte-do-servidor";
    private const string Payload = "Minha audiência foi remarcada? <script>window.pwned=1</script><img src=x onerror=\"window.pwned=2\">";

    /// <summary>Signs in through the page, as a clerk would, starting from the inbox's address.</summary>
    internal static async Task SignInAsync(IPage page, string baseUrl, string email, string password = Password)
    {
        await page.GotoAsync(baseUrl + "/inbox");
        Assert.That(page.Url, Does.Contain("/entrar?volta="), "an anonymous visit goes to the sign-in page");
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", password);
        await page.ClickAsync("button[type=submit]");
        await page.ArrivedAsync("/inbox");
    }

    [Test]
    public async Task Clerk_SignsIn_SeesTheMessageArrive_Replies_AndNothingACitizenWroteRuns()
    {
        await using var bot = await BotHarness.StartAsync(kestrel: true);
        (await bot.Factory.ClientForNewUserAsync("servidora.macapa@trt8.jus.br", clerkOf: ["trt8-vt-macapa-7"])).Dispose();
        (await bot.Factory.ClientForNewUserAsync("servidor.belem@trt8.jus.br", clerkOf: ["trt8-vt-belem-1"])).Dispose();
        await using var browser = await SystemChromium.SessionAsync();
        var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1100, Height = 700 } });
        var page = await context.NewPageAsync();
        var dialogs = 0;
        page.Dialog += (_, d) => { dialogs++; _ = d.DismissAsync(); };

        await SignInAsync(page, bot.BaseUrl, "servidora.macapa@trt8.jus.br");
        await bot.SayAsync(Payload, to: BotHarness.MacapaNumber);
        var conversation = await bot.ConversationAsync(to: BotHarness.MacapaNumber);

        // It appears without reloading, with its countdown and what the citizen asked (as text).
        var row = await page.WaitForSelectorAsync($"li[data-id='{conversation.Id}']", new() { Timeout = 20_000 });
        Assert.That(await row!.InnerTextAsync(), Does.Contain("faltam").And.Contain("(91) *****-4567").And.Contain("<script>window.pwned=1</script>"));
        await page.ScreenshotAsync(new() { Path = SystemChromium.ScreenshotPath("inbox.png") });

        await page.ClickAsync($"li[data-id='{conversation.Id}'] a");
        await page.ArrivedAsync($"/inbox/conversations/{conversation.Id}");
        var first = await page.WaitForSelectorAsync(".thread li");
        Assert.Multiple(async () =>
        {
            Assert.That(await first!.InnerTextAsync(), Does.Contain("<script>window.pwned=1</script>").And.Contain("<img src=x"));
            Assert.That(await page.QuerySelectorAsync(".thread img"), Is.Null, "markup from a citizen is text");
            Assert.That(await page.EvaluateAsync<bool>("() => window.pwned === undefined"), Is.True, "no script from a citizen ran");
            Assert.That(dialogs, Is.Zero);
        });
        await page.ScreenshotAsync(new() { Path = SystemChromium.ScreenshotPath("conversation.png"), FullPage = true });

        await page.FillAsync("#reply", "Bom dia! Sua audiência está mantida para 10/12, às 9h.");
        await page.ClickAsync("form.reply button");
        await TestServers.WaitUntilAsync(
            () => Task.FromResult(bot.Twilio.Requests.Any(r => r.Body == "Bom dia! Sua audiência está mantida para 10/12, às 9h.")),
            TimeSpan.FromSeconds(20), "the reply to reach the fake Twilio");
        Assert.That(bot.Twilio.Requests.Last().To, Is.EqualTo(BotHarness.Citizen));

        // The session cookie alone does not make a change: without the page's antiforgery token it is refused.
        var session = (await context.CookiesAsync()).Single(c => c.Name == SessionCookie.Name);
        using var forged = new HttpClient { BaseAddress = new Uri(bot.BaseUrl) };
        forged.DefaultRequestHeaders.Add("Cookie", $"{session.Name}={session.Value}");
        var refused = await forged.PostAsync($"/api/conversations/{conversation.Id}/messages",
            new StringContent("{\"text\":\"forjada\"}", System.Text.Encoding.UTF8, "application/json"));
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(bot.Twilio.Requests.Any(r => r.Body == "forjada"), Is.False);

        // A clerk of another unit is refused, by page and by API.
        var other = await (await browser.NewContextAsync()).NewPageAsync();
        await SignInAsync(other, bot.BaseUrl, "servidor.belem@trt8.jus.br");
        Assert.That(await other.QuerySelectorAsync($"li[data-id='{conversation.Id}']"), Is.Null);
        await other.GotoAsync($"{bot.BaseUrl}/inbox/conversations/{conversation.Id}");
        var refusal = await other.WaitForSelectorAsync("p.error");
        Assert.That(await refusal!.InnerTextAsync(), Is.EqualTo("Você não tem acesso a esta conversa."));

        // Signing out ends the session for good.
        await page.ClickAsync("header form button");
        await page.ArrivedAsync("/entrar");
        await page.GotoAsync(bot.BaseUrl + "/inbox");
        Assert.That(page.Url, Does.Contain("/entrar"));
        forged.DefaultRequestHeaders.Clear();
        forged.DefaultRequestHeaders.Add("Cookie", $"{session.Name}={session.Value}");
        Assert.That((await forged.GetAsync("/api/auth/me")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));

        // A day later WhatsApp's 24-hour window has closed: the page says so above the reply box.
        Assert.That(await page.QuerySelectorAsync("#window-note"), Is.Null);
        bot.Factory.Time.Advance(TimeSpan.FromHours(25));
        await SignInAsync(page, bot.BaseUrl, "servidora.macapa@trt8.jus.br");
        await page.GotoAsync($"{bot.BaseUrl}/inbox/conversations/{conversation.Id}");
        var note = await page.WaitForSelectorAsync("#window-note");
        Assert.That(await note!.InnerTextAsync(), Does.StartWith("A janela de 24 horas do WhatsApp fechou em 24/11/2026, 09:00."), "24 h after her message, in Macapá time");
        Assert.That(await page.GetAttributeAsync("#reply", "aria-describedby"), Is.EqualTo("window-note"));
        Assert.That(await note.InnerTextAsync(), Does.Contain("segue assim que ele escrever"));

        // An answer now is held, never sent as text WhatsApp would refuse; the thread says so.
        var sentBefore = bot.Twilio.Requests.Count;
        await page.FillAsync("#reply", "Pode nos ligar amanhã às 9h?");
        await page.ClickAsync("form.reply button");
        await Assertions.Expect(page.Locator(".thread li", new() { HasText = "Pode nos ligar amanhã às 9h?" }))
            .ToContainTextAsync("aguardando o cidadão (aviso enviado; segue quando ele responder)", new() { Timeout = 20_000 });
        Assert.That(bot.Twilio.Requests.Count, Is.EqualTo(sentBefore));
    }

    [Test]
    public async Task SignIn_WrongPassword_SaysSoInPortuguese_AndPagesCarryTheSecurityHeaders()
    {
        await using var bot = await BotHarness.StartAsync(kestrel: true);
        await using var browser = await SystemChromium.SessionAsync();
        var page = await browser.NewPageAsync();
        var response = await page.GotoAsync(bot.BaseUrl + "/entrar");
        var headers = await response!.AllHeadersAsync();
        Assert.That(headers["content-security-policy"], Does.Contain("script-src 'self'").And.Not.Contain("unsafe-inline'; script"));
        Assert.That(headers["x-frame-options"], Is.EqualTo("DENY"));
        await page.FillAsync("#email", ApiFactory.AdminEmail);
        await page.FillAsync("#password", "senha-errada-123");
        await page.ClickAsync("button[type=submit]");
        var error = await page.WaitForSelectorAsync("p.error");
        Assert.That(await error!.InnerTextAsync(), Is.EqualTo("E-mail ou senha incorretos."));

        // A return address elsewhere is ignored (no open redirect).
        await page.GotoAsync(bot.BaseUrl + "/entrar?volta=//evil.example/x");
        await page.FillAsync("#email", ApiFactory.AdminEmail);
        await page.FillAsync("#password", ApiFactory.AdminPassword);
        await page.ClickAsync("button[type=submit]");
        await page.ArrivedAsync("/inbox");
        Assert.That(new Uri(page.Url).Host, Is.EqualTo(new Uri(bot.BaseUrl).Host));
    }

    [Test]
    public async Task Admin_CreatesAClerkOnThePeoplePage_WhoCanThenSignIn_AndClerksCannotOpenIt()
    {
        await using var bot = await BotHarness.StartAsync(kestrel: true);
        await using var browser = await SystemChromium.SessionAsync();
        var admin = await browser.NewPageAsync();
        await admin.GotoAsync(bot.BaseUrl + "/inbox");
        await admin.FillAsync("#email", ApiFactory.AdminEmail);
        await admin.FillAsync("#password", ApiFactory.AdminPassword);
        await admin.ClickAsync("button[type=submit]");
        await admin.ArrivedAsync("/inbox");
        await admin.ClickAsync("header a[href='/admin/users']");
        await admin.WaitForSelectorAsync("#users tbody tr");

        await admin.FillAsync("#u-name", "Joana Servidora");
        await admin.FillAsync("#u-email", "joana@trt8.jus.br");
        await admin.FillAsync("#u-password", Password);
        await admin.CheckAsync("#u-clerk-options input[value='trt8-vt-macapa-7']");
        await admin.ClickAsync("fieldset button[type=submit]");
        var row = await admin.WaitForSelectorAsync("#users tr[data-email='joana@trt8.jus.br']");
        Assert.That(await row!.InnerTextAsync(), Does.Contain("7ª Vara do Trabalho de Macapá").And.Contain("ativo"));
        await admin.ScreenshotAsync(new() { Path = SystemChromium.ScreenshotPath("people.png"), FullPage = true });

        var joana = await (await browser.NewContextAsync()).NewPageAsync();
        await SignInAsync(joana, bot.BaseUrl, "joana@trt8.jus.br");
        Assert.That(await joana.QuerySelectorAsync("header a[href='/admin/users']"), Is.Null, "no administration link for a clerk");
        var refused = await joana.GotoAsync(bot.BaseUrl + "/admin/users");
        Assert.That(refused!.Status, Is.EqualTo(403));

        // The admin makes her a manager of Macapá too; her session has the new role on the next page she opens.
        await admin.ClickAsync("#users tr[data-email='joana@trt8.jus.br'] button:has-text('Editar')");
        Assert.That(await admin.InputValueAsync("#u-name"), Is.EqualTo("Joana Servidora"));
        Assert.That(await admin.GetAttributeAsync("#u-email", "readonly"), Is.Not.Null, "the e-mail is who she is: not edited here");
        await admin.CheckAsync("#u-manager-options input[value='trt8-vt-macapa-7']");
        await admin.ClickAsync("fieldset button[type=submit]");
        await admin.WaitForSelectorAsync("#users tr[data-email='joana@trt8.jus.br'] td:nth-child(4):has-text('Macapá')");
        Assert.That((await joana.GotoAsync(bot.BaseUrl + "/admin/canned"))!.Status, Is.EqualTo(200));
    }

    [Test]
    public async Task Admin_ChangesAUnitOnTheUnitsPage_BadValuesAreNamedByField_AndClerksCannotOpenIt()
    {
        await using var bot = await BotHarness.StartAsync(kestrel: true);
        (await bot.Factory.ClientForNewUserAsync("servidor.units@trt8.jus.br", clerkOf: ["trt8-vt-macapa-7"])).Dispose();
        await using var browser = await SystemChromium.SessionAsync();
        var admin = await (await browser.NewContextAsync(new() { Locale = "pt-BR" })).NewPageAsync();
        await SignInAsync(admin, bot.BaseUrl, ApiFactory.AdminEmail, ApiFactory.AdminPassword);
        await admin.ClickAsync("header a[href='/admin/units']");
        await admin.SelectOptionAsync("#n-unit", ["trt8-vt-macapa-7"]);
        await admin.WaitForFunctionAsync("() => document.querySelector('#n-video')?.value.includes('bvt-mcpa-210')");
        Assert.That(await admin.InnerTextAsync("#n-origin"), Is.EqualTo("Como no arquivo do catálogo."));

        await admin.FillAsync("#n-video", "http://meet.google.com/sem-https");
        await admin.FillAsync("#n-window", "24");
        await admin.FillAsync("#n-warn", "30");
        await admin.ClickAsync("#n-form > button[type=submit]");
        await admin.WaitForSelectorAsync("#n-video[aria-invalid=true]");
        Assert.That(await admin.InnerTextAsync("#n-video-error"), Does.Contain("https://"));
        Assert.That(await admin.InnerTextAsync("#n-warn-error"), Does.Contain("menor que o prazo"));
        Assert.That(await admin.EvaluateAsync<string>("document.activeElement.id"), Is.EqualTo("n-video"), "focus goes to the first field to fix");

        await admin.FillAsync("#n-video", "https://meet.google.com/nova-sala-210");
        await admin.FillAsync("#n-warn", "4; 1,5");
        await admin.ClickAsync("button:has-text('Adicionar responsável')");
        await admin.FillAsync("#n-manager-1-Name", "Substituta da direção");
        await admin.FillAsync("#n-manager-1-Email", "substituta@trt8.jus.br");
        // Appointments: a slot length that is no whole number is said here, not sent as nothing.
        Assert.That(await admin.IsCheckedAsync("#n-appt"), Is.True, "Macapá books video calls (catalogue)");
        await admin.FillAsync("#n-slot", "2,5");
        await admin.ClickAsync("#n-form > button[type=submit]");
        await admin.WaitForSelectorAsync("#n-slot[aria-invalid=true]");
        Assert.That(await admin.InnerTextAsync("#n-slot-error"), Does.StartWith("Use só números"));
        await admin.FillAsync("#n-slot", "30");
        await admin.ClickAsync("#n-form > button[type=submit]");
        await admin.WaitForSelectorAsync("p.status:has-text('Configurações salvas')");
        Assert.That(await admin.InputValueAsync("#n-slot"), Is.EqualTo("30"));
        Assert.That(await admin.InnerTextAsync("#n-origin"), Does.StartWith("Alterado por"));
        Assert.That(await admin.InputValueAsync("#n-warn"), Is.EqualTo("4; 1,5"));
        await admin.ScreenshotAsync(new() { Path = SystemChromium.ScreenshotPath("units.png"), FullPage = true });

        using var unit = await bot.Service.GetFromJsonAsync<System.Text.Json.JsonDocument>("/api/units/trt8-vt-macapa-7");
        Assert.That(unit!.RootElement.GetProperty("videoDeskUrl").GetString(), Is.EqualTo("https://meet.google.com/nova-sala-210"));
        Assert.That(unit.RootElement.GetProperty("sla").GetProperty("responseWindowHours").GetDouble(), Is.EqualTo(24));

        var clerk = await (await browser.NewContextAsync()).NewPageAsync();
        await SignInAsync(clerk, bot.BaseUrl, "servidor.units@trt8.jus.br");
        Assert.That(await clerk.QuerySelectorAsync("header a[href='/admin/units']"), Is.Null);
        Assert.That((await clerk.GotoAsync(bot.BaseUrl + "/admin/units"))!.Status, Is.EqualTo(403));
    }

    /// <summary>
    /// Managers keep the unit's canned answers (title and text apart, edited in place); a clerk proposes one, which
    /// reaches the reply box only once a manager approves it; picked, an answer goes in at the cursor, filled in.
    /// </summary>
    [Test]
    public async Task Manager_KeepsCannedAnswers_AClerkProposesOne_AndPicksOneToReply()
    {
        await using var bot = await BotHarness.StartAsync(kestrel: true);
        (await bot.Factory.ClientForNewUserAsync("gestora.canned@trt8.jus.br", managerOf: ["trt8-vt-macapa-7"], name: "Gestora Lima")).Dispose();
        (await bot.Factory.ClientForNewUserAsync("servidor.canned@trt8.jus.br", clerkOf: ["trt8-vt-macapa-7"], name: "Paulo Reis")).Dispose();
        await using var browser = await SystemChromium.SessionAsync();

        var manager = await browser.NewPageAsync();
        await SignInAsync(manager, bot.BaseUrl, "gestora.canned@trt8.jus.br");
        await manager.ClickAsync("header a[href='/admin/canned']");
        await manager.WaitForSelectorAsync("#c-unit");
        await manager.FillAsync("#c-title", "Audiência mantida");
        await manager.FillAsync("#c-text", "Sua audiência está mantida. Qualquer mudança é publicada no PJe.");
        await manager.ClickAsync("#canned-form button[type=submit]");
        await manager.WaitForSelectorAsync("#canned-list li:has-text('Audiência mantida')");

        // A clerk proposes one; it waits for the managers, with her name.
        var clerk = await (await browser.NewContextAsync()).NewPageAsync();
        await SignInAsync(clerk, bot.BaseUrl, "servidor.canned@trt8.jus.br");
        await clerk.ClickAsync("header a[href='/admin/canned']");
        await Assertions.Expect(clerk.Locator("#canned-form legend")).ToHaveTextAsync("Propor uma resposta pronta");
        await Assertions.Expect(clerk.Locator("#canned-list li", new() { HasText = "Audiência mantida" }).Locator("button")).ToHaveCountAsync(0);
        await clerk.FillAsync("#c-title", "Prazo");
        await clerk.FillAsync("#c-text", "Olá, {nome}. Respondemos até {prazo}.");
        await clerk.ClickAsync("#canned-form button[type=submit]");
        await Assertions.Expect(clerk.Locator("#canned-status")).ToHaveTextAsync("Proposta enviada: a chefia da unidade vai revisar.");
        await Assertions.Expect(clerk.Locator("#canned-list li.proposed")).ToContainTextAsync("Sua proposta");

        await manager.ReloadAsync();
        var proposal = manager.Locator("#canned-list li.proposed");
        await Assertions.Expect(proposal).ToContainTextAsync("Proposta de Paulo Reis");
        await proposal.Locator("button", new() { HasText = "Editar" }).ClickAsync();
        await proposal.Locator("input.edit-title").FillAsync("Prazo de resposta");
        await proposal.Locator("button[type=submit]").ClickAsync();
        await Assertions.Expect(manager.Locator("#canned-list li.proposed strong")).ToHaveTextAsync("Prazo de resposta");
        await manager.ScreenshotAsync(new() { Path = SystemChromium.ScreenshotPath("canned-proposal.png"), FullPage = true });

        await bot.SayAsync("Minha audiência foi remarcada?", to: BotHarness.MacapaNumber);
        var conversation = await bot.ConversationAsync(to: BotHarness.MacapaNumber);
        await clerk.GotoAsync($"{bot.BaseUrl}/inbox/conversations/{conversation.Id}");
        await clerk.WaitForSelectorAsync("#canned option:has-text('Audiência mantida')", new() { State = Microsoft.Playwright.WaitForSelectorState.Attached });
        Assert.That(await clerk.Locator("#canned option", new() { HasText = "Prazo de resposta" }).CountAsync(), Is.Zero, "not before it is approved");

        await manager.Locator("#canned-list li.proposed button", new() { HasText = "Aprovar" }).ClickAsync();
        await Assertions.Expect(manager.Locator("#canned-list li.proposed")).ToHaveCountAsync(0);
        await clerk.ReloadAsync();
        await clerk.WaitForSelectorAsync("#canned option:has-text('Prazo de resposta')", new() { State = Microsoft.Playwright.WaitForSelectorState.Attached });

        // In at the cursor, never over what was typed, with the conversation's facts filled in.
        await clerk.FillAsync("#reply", "Bom dia! ");
        await clerk.FocusAsync("#reply");
        await clerk.Keyboard.PressAsync("End");
        await clerk.SelectOptionAsync("#canned", new Microsoft.Playwright.SelectOptionValue { Label = "Prazo de resposta" });
        Assert.That(await clerk.InputValueAsync("#reply"), Does.StartWith("Bom dia! Olá, Maria. Respondemos até ").And.Not.Contain("{"));
        await clerk.FillAsync("#reply", "");
        await clerk.SelectOptionAsync("#canned", new Microsoft.Playwright.SelectOptionValue { Label = "Audiência mantida" });
        await clerk.ClickAsync("form.reply button[type=submit]");
        await TestServers.WaitUntilAsync(
            () => Task.FromResult(bot.Twilio.Requests.Any(r => r.Body == "Sua audiência está mantida. Qualquer mudança é publicada no PJe.")),
            TimeSpan.FromSeconds(20), "the canned answer to reach the citizen");
    }
}
