using Generated.OpenAI.Serialization;

namespace Generated.OpenAI.Extensions.AI;

/// <summary>A deep copy of a generated model through its JSON, so that a request from a <c>RawRepresentationFactory</c> that is reused across calls or batches is never changed.</summary>
internal static class JsonModelCopy
{
    public static T Of<T>(T model) where T : IJsonModel<T> => JsonModel.Deserialize<T>(JsonModel.SerializeToUtf8Bytes(model));
}
