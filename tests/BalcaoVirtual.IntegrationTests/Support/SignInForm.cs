using System.Net;
using System.Text.RegularExpressions;

namespace BalcaoVirtual.IntegrationTests.Support;

/// <summary>The sign-in page as a browser without script uses it: read the form (and its antiforgery field), post it.</summary>
internal static partial class SignInForm
{
    /// <summary>Reads the form at <paramref name="formUrl"/> and posts it to <paramref name="postUrl"/> (another node may serve each).</summary>
    public static async Task<HttpResponseMessage> PostAsync(HttpClient browser, string formUrl, string postUrl, string email, string password, string volta = "/inbox")
    {
        var form = await browser.GetStringAsync(formUrl);
        var hidden = HiddenField().Match(form);
        Assert.That(hidden.Success, Is.True, form);
        return await browser.PostAsync(postUrl, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [hidden.Groups[1].Value] = WebUtility.HtmlDecode(hidden.Groups[2].Value),
            ["volta"] = volta,
            ["email"] = email,
            ["password"] = password,
        }));
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">")]
    private static partial Regex HiddenField();
}
