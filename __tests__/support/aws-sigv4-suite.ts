/**
 * The request of AWS's Signature Version 4 test suite (credentials AKIDEXAMPLE, region us-east-1, service "service",
 * 20150830T123600Z), whose published signatures unit/aws-sigv4.test.ts checks; unit/aws-caller-identity.test.ts signs
 * with the same credentials and date.
 */
export const SUITE = {
  region: 'us-east-1',
  service: 'service',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
  date: new Date('2015-08-30T12:36:00Z'),
};
