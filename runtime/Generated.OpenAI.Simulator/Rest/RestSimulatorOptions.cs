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

    /// <summary>
    /// How long a batch stays in each of <c>validating</c>, <c>in_progress</c> and <c>finalizing</c> before it moves on
    /// (so a client polls through every status); 50 ms by default.
    /// </summary>
    public System.TimeSpan BatchStageDuration { get; set; } = System.TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// The most requests an input file may hold (OpenAI: 50,000); a larger file fails validation with
    /// <c>too_many_requests</c>. Lowered by tests to check that a client splits its requests across batches.
    /// </summary>
    public int BatchMaxRequests { get; set; } = 50_000;

    /// <summary>The largest input file in bytes (OpenAI: 200 MB); a larger file fails validation with <c>file_too_large</c>.</summary>
    public long BatchMaxFileBytes { get; set; } = 200L * 1024 * 1024;

    /// <summary>
    /// When set, every batch request whose <c>custom_id</c> contains this text fails with a 500 <c>server_error</c> in the
    /// batch's error file, so that a client's error matching can be checked; null (the default) fails none.
    /// </summary>
    public string? BatchFailingCustomIdMarker { get; set; }

    /// <summary>
    /// When true, batches expire halfway through <c>in_progress</c>: the first half of the requests is answered, the
    /// rest gets <c>batch_expired</c> lines in the error file, and the status ends <c>expired</c>.
    /// </summary>
    public bool ExpireBatches { get; set; }

    /// <summary>Faults installed at start (more can be added with <see cref="RestSimulator.AddFault(RestFault)"/>).</summary>
    public System.Collections.Generic.IList<RestFault> Faults { get; } = new System.Collections.Generic.List<RestFault>();
}
