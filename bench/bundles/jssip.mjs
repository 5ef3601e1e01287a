/** JsSIP as its users import it: the whole library through its package entry. */
import JsSIP from 'jssip';

export default JsSIP;
