using System.Text.Encodings.Web;
using System.Text.Json;

namespace Dashboard.Simulator.Store;

internal static class JsonDefaults
{
    /// <summary>Like the API server: no escaping of '+', '&lt;' and friends beyond what JSON needs.</summary>
    public static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static readonly JsonWriterOptions Writer = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };
}
