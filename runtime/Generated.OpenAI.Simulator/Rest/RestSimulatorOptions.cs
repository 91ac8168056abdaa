namespace Generated.OpenAI.Simulator;

/// <summary>Options of <see cref="RestSimulator"/>.</summary>
public sealed class RestSimulatorOptions
{
    /// <summary>
    /// When true, <c>GET /files</c> serves a deterministic paginated list of <see cref="PaginatedFileCount"/>
    /// files (<c>file-sim-001</c>…) honouring <c>after</c> and <c>limit</c> (default <see cref="DefaultPageSize"/>),
    /// with <c>first_id</c>, <c>last_id</c> and <c>has_more</c>. With the defaults that is three pages (3, 3, 1).
    /// </summary>
    public bool PaginateFiles { get; set; }

    /// <summary>Number of files in the paginated list mode.</summary>
    public int PaginatedFileCount { get; set; } = 7;

    /// <summary>Page size when the request has no <c>limit</c>.</summary>
    public int DefaultPageSize { get; set; } = 3;

    /// <summary>When true, requests without a non-empty <c>Authorization: Bearer</c> get 401 (off by default).</summary>
    public bool RequireAuthorization { get; set; }

    /// <summary>
    /// When true, <c>POST /responses</c> and <c>POST /chat/completions</c> (streamed or not), <c>POST /embeddings</c> and image generations and edits answer from the request rather than
    /// with the spec's example: function tools are called, their outputs are answered, <c>previous_response_id</c>,
    /// <c>conversation</c>, <c>reasoning</c> and <c>text.format</c> are honoured, and an embedding batch gets one vector per
    /// input, images are a valid PNG (see <see cref="SimulatedModel"/>). Off by default, so the spec's examples stay what every other test sees.
    /// </summary>
    public bool AnswerFromRequest { get; set; }

    /// <summary>Faults installed at start (more can be added with <see cref="RestSimulator.AddFault(RestFault)"/>).</summary>
    public System.Collections.Generic.IList<RestFault> Faults { get; } = new System.Collections.Generic.List<RestFault>();
}
