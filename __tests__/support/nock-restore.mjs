// Jest runs many suites in one worker process, and Node's core `http` module
// is shared by all of them: nock patches it when a suite imports it (through
// @mswjs/interceptors) and leaves the patch in place after that suite, where it
// breaks a later suite's own sockets (a preconnected socket handed to an agent
// cannot pass through nock's mock socket). So every suite removes the patch
// when it ends. Imported only then: a suite that never used nock gets no patch
// while it runs.
afterAll(async () => {
  const { default: nock } = await import('nock');
  nock.cleanAll();
  nock.enableNetConnect();
  nock.restore();
});
