const { shout } = require('shout');

exports.handler = async () => ({ statusCode: 200, body: JSON.stringify({ shout: shout('hello from the node layer') }) });
