using System.Net.Http.Json;
using System.Text.Json;
using BalcaoVirtual.IntegrationTests.Chatbot;
using BalcaoVirtual.IntegrationTests.Support;
using Microsoft.Playwright;

namespace BalcaoVirtual.IntegrationTests.Browser;

/// <summary>Clerks sign in with the court's account (OpenID Connect), and the provider's roles decide what they may see.</summary>
public sealed class SingleSignOnTests
{
    private const string Macapa = "trt8-vt-macapa-7";
    private const string Belem = "trt8-vt-belem-1";

    [Test]
    public async Task Clerk_SignsInWithTheCourtAccount_AndTheProvidersRolesDecideEachTime()
    {
        await using var oidc = await FakeOidc.StartAsync();
        await using var bot = await BotHarness.StartAsync(oidc.Settings(), kestrel: true);
        await using var browser = await SystemChromium.SessionAsync();
        var page = await browser.NewPageAsync();

        oidc.User = new("Maria.Souza@trt8.jus.br", "Maria Souza", [$"balcao-servidor:{Macapa}", "offline_access", "balcao-servidor:unidade-que-nao-existe"]);
        await SignInWithSsoAsync(page, bot.BaseUrl);
        Assert.That(await page.InnerTextAsync("header .who"), Is.EqualTo("Maria Souza"));
        var me = await MeAsync(page);
        Assert.Multiple(() =>
        {
            Assert.That(me.GetProperty("clerkOf").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { Macapa }), "unknown units are ignored");
            Assert.That(me.GetProperty("managerOf").GetArrayLength(), Is.Zero);
            Assert.That(me.GetProperty("isAdmin").GetBoolean(), Is.False);
            Assert.That(oidc.TokenRequests, Is.EqualTo(new[] { "authorization_code" }));
        });

        // The court moves her to Belém as a manager: the next sign-in says so, and Macapá is gone.
        await page.ClickAsync("header form button[type=submit]");
        await page.ArrivedAsync("/entrar");
        oidc.User = oidc.User with { Roles = [$"balcao-gestor:{Belem}"] };
        await SignInWithSsoAsync(page, bot.BaseUrl);
        me = await MeAsync(page);
        Assert.That((me.GetProperty("managerOf")[0].GetString(), me.GetProperty("clerkOf").GetArrayLength()), Is.EqualTo((Belem, 0)));
        Assert.That((await page.GotoAsync($"{bot.BaseUrl}/api/conversations?unit={Macapa}"))!.Status, Is.EqualTo(403));
    }

    [Test]
    public async Task SignIn_IsRefusedWithTheReason_WithoutARole_OrWithAForgedToken()
    {
        await using var oidc = await FakeOidc.StartAsync();
        await using var bot = await BotHarness.StartAsync(oidc.Settings(), kestrel: true);
        await using var browser = await SystemChromium.SessionAsync();

        var noRole = await browser.NewPageAsync();
        oidc.User = new("joao@trt8.jus.br", "João", ["offline_access"]);
        await noRole.GotoAsync(bot.BaseUrl + "/entrar");
        await noRole.ClickAsync("#sso");
        await noRole.WaitForSelectorAsync(".error");
        Assert.That(await noRole.InnerTextAsync(".error"), Does.StartWith("Sua conta do tribunal ainda não dá acesso"));
        Assert.That((await noRole.Context.CookiesAsync()).Select(c => c.Name), Does.Not.Contain("bv_session"));

        var forged = await (await browser.NewContextAsync()).NewPageAsync();
        oidc.User = new("intrusa@trt8.jus.br", "Intrusa", ["balcao-admin"]);
        oidc.SignWithUnpublishedKey = true;
        await forged.GotoAsync(bot.BaseUrl + "/entrar");
        await forged.ClickAsync("#sso");
        await forged.WaitForSelectorAsync(".error");
        Assert.That(await forged.InnerTextAsync(".error"), Does.StartWith("Não foi possível entrar com a conta do tribunal"));
        Assert.That((await forged.Context.CookiesAsync()).Select(c => c.Name), Does.Not.Contain("bv_session"));

        // An identity of the provider that merely carries the administrator's e-mail (another subject) is not her.
        var takeover = await (await browser.NewContextAsync()).NewPageAsync();
        oidc.SignWithUnpublishedKey = false;
        oidc.User = new(ApiFactory.AdminEmail.ToUpperInvariant(), "Intruso", [$"balcao-servidor:{Macapa}"]);
        await takeover.GotoAsync(bot.BaseUrl + "/entrar");
        await takeover.ClickAsync("#sso");
        await takeover.WaitForSelectorAsync(".error");
        Assert.That(await takeover.InnerTextAsync(".error"), Does.StartWith("Já existe uma conta do Balcão Virtual com este e-mail"));
        using var admin = await bot.Factory.AdminClientAsync();
        var me = await admin.GetFromJsonAsync<JsonElement>("/api/auth/me");
        Assert.That((me.GetProperty("isAdmin").GetBoolean(), me.GetProperty("name").GetString()), Is.EqualTo((true, "Administrador")), "neither demoted nor renamed");
    }

    private static async Task SignInWithSsoAsync(IPage page, string baseUrl)
    {
        await page.GotoAsync(baseUrl + "/inbox", new() { WaitUntil = WaitUntilState.Commit });
        await page.ArrivedAsync(url => url.AbsolutePath == "/entrar" && url.Query.StartsWith("?volta=", StringComparison.Ordinal), "/entrar?volta=…");
        await page.ClickAsync("#sso");
        try
        {
            await page.ArrivedAsync("/inbox");
        }
        catch (TimeoutException)
        {
            // Where the round trip ended, and what it said.
            Assert.Fail($"single sign-on ended at {page.Url}: {await page.InnerTextAsync("body")}");
        }

        await page.WaitForSelectorAsync("header .who");
    }

    private static async Task<JsonElement> MeAsync(IPage page) =>
        JsonDocument.Parse(await page.EvaluateAsync<string>("async () => await (await fetch('/api/auth/me')).text()")).RootElement;
}
