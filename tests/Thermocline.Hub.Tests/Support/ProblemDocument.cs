using System.Net;
using System.Text.Json;

namespace Thermocline.Hub.Tests.Support;

/// <summary>Checks that a response is an RFC 9457 problem document of the hub's shape: type, title, status, detail, kind and exitCode.</summary>
internal static class ProblemDocument
{
    public static async Task<JsonElement> AssertAsync(HttpResponseMessage response, HttpStatusCode status, string kind, int exitCode)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            var what = $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {text}";
            Assert.True(response.StatusCode == status, $"expected {(int)status}; {what}");
            Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"not a problem document; {what}");
            using var json = JsonDocument.Parse(text);
            var root = json.RootElement.Clone();
            Assert.Equal($"https://thermocline.dev/problems/{kind}", root.GetProperty("type").GetString());
            Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("title").GetString()), what);
            Assert.Equal((int)status, root.GetProperty("status").GetInt32());
            Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("detail").GetString()), what);
            Assert.Equal(kind, root.GetProperty("kind").GetString());
            Assert.Equal(exitCode, root.GetProperty("exitCode").GetInt32());

            // Nothing of the hub's insides: no stack frames, no exception type names.
            Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception:", text, StringComparison.Ordinal);
            return root;
        }
    }
}
